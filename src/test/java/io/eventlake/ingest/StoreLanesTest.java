package io.eventlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.eventlake.envelope.Extraction;
import io.eventlake.envelope.IncomingRecord;
import io.eventlake.envelope.RejectionCode;
import io.eventlake.event.Event;
import io.eventlake.event.RecordOrigin;

class StoreLanesTest {

    private static Extraction extracted(String topic, int partition, long offset) {
        RecordOrigin origin = new RecordOrigin(topic, partition, offset);
        Event event = new Event("/tests", topic + "-" + partition + "-" + offset, "rentals.updated", "rentals",
                "K-" + offset % 7, OffsetDateTime.parse("2026-01-01T00:00:00Z"), null, null, "{}", origin);
        return new Extraction.Extracted(new IncomingRecord(origin, null, new byte[0], List.of(), 0L), event, null);
    }

    private static Extraction rejected(String topic, int partition, long offset) {
        return new Extraction.Rejected(new IncomingRecord(new RecordOrigin(topic, partition, offset), null,
                new byte[] { 1 }, List.of(), 0L), RejectionCode.NOT_JSON, "not JSON");
    }

    private static String partitionOf(Extraction extraction) {
        return extraction.record().origin().topic() + "-" + extraction.record().origin().partition();
    }

    @Test
    void eachPartitionStaysInOneLaneInBatchOrderDeadLettersIncluded() {
        List<Extraction> batch = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // Two topics of four partitions, interleaved; every tenth record a dead letter.
            String topic = i % 2 == 0 ? "ingest.rentals" : "ingest.bookings";
            batch.add(i % 10 == 0 ? rejected(topic, i % 4, i) : extracted(topic, i % 4, i));
        }

        List<List<Extraction>> lanes = StoreLanes.split(batch, 2);

        assertThat(lanes).hasSize(2);
        assertThat(lanes.stream().mapToInt(List::size).sum()).isEqualTo(400);
        Map<String, Integer> laneOfPartition = new HashMap<>();
        Map<String, Long> lastOffset = new HashMap<>();
        for (int lane = 0; lane < lanes.size(); lane++) {
            for (Extraction extraction : lanes.get(lane)) {
                String partition = partitionOf(extraction);
                assertThat(laneOfPartition.putIfAbsent(partition, lane)).as(partition).isIn(null, lane);
                long offset = extraction.record().origin().offset();
                assertThat(offset).as("in batch order within " + partition)
                        .isGreaterThan(lastOffset.getOrDefault(partition, -1L));
                lastOffset.put(partition, offset);
            }
        }
    }

    @Test
    void aPollHeavyOnOnePartitionIsDealtLargestFirstToTheLightestLane() {
        List<Extraction> batch = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            batch.add(extracted("ingest.rentals", 0, i));
        }
        for (int p = 1; p <= 3; p++) {
            for (int i = 0; i < 150; i++) {
                batch.add(extracted("ingest.rentals", p, i));
            }
        }

        List<List<Extraction>> lanes = StoreLanes.split(batch, 2);

        // 600 alone; the three of 150 together (450): not 600+150 against 300.
        assertThat(lanes).extracting(List::size).containsExactly(600, 450);
    }

    @Test
    void oneLaneOrOnePartitionIsTheWholeBatchInOneTransaction() {
        List<Extraction> onePartition = List.of(extracted("ingest.rentals", 2, 1), rejected("ingest.rentals", 2, 2),
                extracted("ingest.rentals", 2, 3));
        List<Extraction> twoPartitions = List.of(extracted("ingest.rentals", 0, 1), extracted("ingest.rentals", 1, 1));

        assertThat(StoreLanes.split(onePartition, 4)).containsExactly(onePartition);
        assertThat(StoreLanes.split(twoPartitions, 1)).containsExactly(twoPartitions);
        assertThat(StoreLanes.split(twoPartitions, 4)).hasSize(2);
    }
}
