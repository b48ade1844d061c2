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

    private static Extraction extracted(String stream, String key, int partition, long offset) {
        RecordOrigin origin = new RecordOrigin("ingest." + stream, partition, offset);
        Event event = new Event("/tests", stream + "-" + offset, stream + ".updated", stream, key,
                OffsetDateTime.parse("2026-01-01T00:00:00Z"), null, null, "{}", origin);
        return new Extraction.Extracted(new IncomingRecord(origin, null, new byte[0], List.of(), 0L), event, null);
    }

    private static Extraction rejected(long offset) {
        return new Extraction.Rejected(new IncomingRecord(new RecordOrigin("ingest.rentals", 3, offset), null,
                new byte[] { 1 }, List.of(), 0L), RejectionCode.NOT_JSON, "not JSON");
    }

    private static String keyOf(Extraction extraction) {
        Event event = ((Extraction.Extracted) extraction).event();
        return event.stream() + "/" + event.subject();
    }

    @Test
    void eachKeysEventsStayInOneLaneInBatchOrderAndTheLanesShareTheWork() {
        List<Extraction> batch = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // 50 keys of two streams, spread over four partitions regardless of key, each key seen 4 times.
            batch.add(extracted(i % 2 == 0 ? "rentals" : "bookings", "K-" + (i % 100), i % 4, i));
        }

        List<List<Extraction>> lanes = StoreLanes.split(batch, 2);

        assertThat(lanes).hasSize(2);
        assertThat(lanes.get(0).size() + lanes.get(1).size()).isEqualTo(400);
        // Neither lane is left nearly idle.
        assertThat(lanes).allSatisfy(lane -> assertThat(lane.size()).isBetween(120, 280));
        Map<String, Integer> laneOfKey = new HashMap<>();
        for (int lane = 0; lane < lanes.size(); lane++) {
            long previousOffset = -1;
            for (Extraction extraction : lanes.get(lane)) {
                assertThat(laneOfKey.putIfAbsent(keyOf(extraction), lane)).as(keyOf(extraction)).isIn(null, lane);
                // In batch order within the lane.
                assertThat(extraction.record().origin().offset()).isGreaterThan(previousOffset);
                previousOffset = extraction.record().origin().offset();
            }
        }
    }

    @Test
    void oneLaneIsTheWholeBatchAndDeadLettersGoWithTheFirstLane() {
        List<Extraction> batch = List.of(extracted("rentals", "K-1", 0, 1), rejected(2), extracted("rentals", "K-2", 1, 3),
                rejected(4));

        assertThat(StoreLanes.split(batch, 1)).containsExactly(batch);
        List<List<Extraction>> lanes = StoreLanes.split(batch, 3);
        assertThat(lanes.get(0)).filteredOn(e -> e instanceof Extraction.Rejected).hasSize(2);
        assertThat(lanes).allSatisfy(lane -> assertThat(lane).isNotEmpty());
        assertThat(lanes.stream().mapToInt(List::size).sum()).isEqualTo(4);
    }

    @Test
    void anEventWithoutAKeyFollowsItsPartition() {
        List<Extraction> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            batch.add(extracted("rentals", null, i % 4, i));
        }

        Map<Integer, Integer> laneOfPartition = new HashMap<>();
        List<List<Extraction>> lanes = StoreLanes.split(batch, 2);
        for (int lane = 0; lane < lanes.size(); lane++) {
            for (Extraction extraction : lanes.get(lane)) {
                int partition = extraction.record().origin().partition();
                assertThat(laneOfPartition.putIfAbsent(partition, lane)).isIn(null, lane);
            }
        }
    }
}
