package io.eventlake.replay;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import io.smallrye.health.api.Wellness;

/**
 * Wellness of the replay runner ({@code /q/health/well}, and {@code /q/health}): DOWN, with since when, how many
 * attempts and the last error, while it cannot look for jobs (the database or the broker away); it tries again by
 * itself and is UP once it can. Not a readiness check: a background job's trouble is no reason to take the
 * instance out of serving requests.
 */
@Wellness
@ApplicationScoped
public class ReplayRunnerHealth implements HealthCheck {

    @Inject
    ReplayRunner runner;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("Event Lake replay runner");
        return runner.failing().map(report -> response.down()
                .withData("reason", "the replay runner cannot look for jobs; it tries again by itself (at most 30 s apart)")
                .withData("since", report.since().toString())
                .withData("attempts", report.occurrences())
                .withData("error", String.valueOf(runner.lastFailure()))
                .build()).orElseGet(() -> {
                    runner.runningJob().ifPresent(job -> response.withData("running job", job));
                    return response.up().build();
                });
    }
}
