package io.eventlake.retention;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.eventlake.retention.RetentionService.LastRun;
import io.smallrye.health.api.Wellness;

/**
 * Wellness of retention ({@code /q/health/well}): each stream with a retention and how its last run here ended; DOWN
 * while a stream's last run failed (naming it, since when and the error), UP again once a run of it succeeds. Not
 * readiness: events kept longer than their retention are no reason to stop serving.
 */
@Wellness
@ApplicationScoped
public class RetentionHealth implements HealthCheck {

    @Inject
    RetentionService retention;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Event Lake retention").up();
        var lastRuns = retention.lastRuns();
        long failing = lastRuns.values().stream().filter(LastRun::failed).count();
        retention.retentions().forEach((stream, kept) -> {
            LastRun last = lastRuns.get(stream);
            String state = last == null ? "no run yet"
                    : last.failed() ? "failing since " + last.failingSince() + ": " + last.failure()
                            : "last run " + last.finishedAt() + ": " + last.removed() + " events deleted";
            response.withData(stream, "retention " + kept + "; " + state);
        });
        if (failing > 0) {
            response.down().withData("reason", "retention of " + failing + " stream(s) is failing: their expired events "
                    + "stay in the lake until a run of it succeeds (every eventlake.lake.retention-interval: "
                    + retention.interval() + ")");
        }
        return response.build();
    }
}
