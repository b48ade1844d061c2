package io.eventlake.ingest;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of ingest: DOWN, with the step, since when, how many attempts and the last error, while a batch's store
 * or forward keeps failing (the database or the broker away); UP again as soon as it goes through. Ingest waits
 * and resumes by itself: nothing is acknowledged meanwhile, nothing is lost. Also DOWN, naming each partition and
 * why, while ingest cannot read partitions that hold records ({@link StalledPartitions}).
 */
@Readiness
@Default // also injected plainly, into the consumer that reports to it
@ApplicationScoped
public class IngestHealth implements HealthCheck {

    /** A failing step: what, since when, attempts so far, the last error. */
    record Failing(String step, Instant since, long attempts, String error) {
    }

    private volatile Failing failing;

    /** Ingest partitions that hold records ingest does not move, each with why (reported in partition order). */
    private volatile Map<String, String> stalled = Map.of();

    /** Records a failed attempt of a step; returns the number of attempts failed in a row. */
    synchronized long failed(String step, Throwable error) {
        Failing current = failing;
        long attempts = current == null ? 1 : current.attempts() + 1;
        failing = new Failing(step, current == null ? Instant.now() : current.since(), attempts, error.toString());
        return attempts;
    }

    /** A step went through: ingest moves again. Returns what was failing, or null. */
    synchronized Failing succeeded() {
        Failing was = failing;
        failing = null;
        return was;
    }

    /** Whether a batch's store or forward is failing at the moment. */
    boolean isFailing() {
        return failing != null;
    }

    /** The partitions ingest cannot move at the moment ({@code topic-partition} → why); empty when it moves. */
    void stalled(Map<String, String> partitions) {
        stalled = Map.copyOf(partitions);
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Event Lake ingest");
        Failing current = failing;
        Map<String, String> notMoving = stalled;
        if (current == null && !notMoving.isEmpty()) {
            response.down().withData("reason", "ingest cannot read " + notMoving.size() + " partition(s): their records "
                    + "wait and the committed offset does not move; see each partition for why");
            new TreeMap<>(notMoving).forEach(response::withData);
            return response.build();
        }
        if (current == null) {
            return response.up().build();
        }
        return response.down()
                .withData("reason", "ingest waits: the " + current.step() + " of a batch keeps failing; it resumes by itself")
                .withData("since", current.since().toString())
                .withData("attempts", current.attempts())
                .withData("error", current.error())
                .build();
    }
}
