package io.eventlake.lake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.eventlake.lake.LakePartitions.LastCheck;
import io.smallrye.health.api.Wellness;

/**
 * Wellness of the lake's partitions ({@code /q/health/well}): how many, where the last one ends and how many events
 * fit before it, how many this instance dropped once left empty; DOWN while checks fail (appends go on into the
 * partitions there are, and wait once those are full). A drop that fails is shown, not DOWN: nothing waits for it.
 */
@Wellness
@ApplicationScoped
public class LakePartitionsHealth implements HealthCheck {

    @Inject
    LakePartitions partitions;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Event Lake partitions").up()
                .withData("partition-size", partitions.partitionSize());
        LastCheck last = partitions.lastCheck();
        if (last == null) {
            return response.withData("state", "no check yet").build();
        }
        if (last.layout() != null) {
            response.withData("partitions", last.layout().partitions())
                    .withData("next-seq", last.layout().nextSeq())
                    .withData("last-partition-ends-at", last.layout().lastPartitionEnd())
                    .withData("headroom", last.layout().headroom());
        }
        response.withData("partitions-dropped", partitions.dropped());
        if (partitions.lastDropped() != null) {
            response.withData("last-dropped", partitions.lastDropped());
        }
        if (partitions.lastDropFailure() != null) {
            response.withData("drop-failing", partitions.lastDropFailure());
        }
        if (last.failed()) {
            response.down().withData("reason", "the partitions could not be checked or created since "
                    + last.failingSince() + ": " + last.failure());
        }
        return response.withData("checked-at", last.at().toString()).build();
    }
}
