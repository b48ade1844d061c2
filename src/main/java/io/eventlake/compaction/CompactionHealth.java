package io.eventlake.compaction;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.eventlake.compaction.CompactionService.CompactionProblem;
import io.smallrye.health.api.Wellness;

/**
 * Wellness of history compaction ({@code /q/health/well}): DOWN while a stream's last run failed or its scheduled run
 * could not start (the database away), naming the stream, what happened, since when and the error; UP again once a run
 * of that stream succeeds. Not readiness: compaction's trouble is no reason to stop serving requests.
 */
@Wellness
@ApplicationScoped
public class CompactionHealth implements HealthCheck {

    @Inject
    CompactionService compaction;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Event Lake history compaction")
                .withData("scheduled streams", String.join(", ", compaction.scheduledStreams()));
        List<CompactionProblem> problems = compaction.problems();
        if (problems.isEmpty()) {
            return response.up().build();
        }
        response.down().withData("reason", "history compaction of " + problems.size() + " stream(s) is failing; a later "
                + "successful run of a stream clears it (POST /compactions starts one)");
        for (CompactionProblem problem : problems) {
            response.withData(problem.stream(), problem.what() + " (since " + problem.since() + "): " + problem.error());
        }
        return response.build();
    }
}
