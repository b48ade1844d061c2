package io.eventlake.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.event.RecordOrigin;
import io.eventlake.ingest.IncomingRecord.RecordHeader;
import io.eventlake.messaging.Channels;
import io.smallrye.mutiny.Uni;

/**
 * Consumes every ingest topic in batches (one poll at a time, in order per partition). The batch is
 * acknowledged when the returned Uni succeeds, that is after its events are stored and forwarded; a batch
 * that keeps failing (the database is down) is retried with back-off and never acknowledged.
 */
@ApplicationScoped
public class KafkaIngestConsumer {

    private static final Logger LOG = Logger.getLogger(KafkaIngestConsumer.class);

    @Inject
    IngestService ingest;

    @Inject
    EventLakeConfig config;

    @Incoming(Channels.INGEST)
    public Uni<Void> consume(ConsumerRecords<byte[], byte[]> batch) {
        List<IncomingRecord> records = new ArrayList<>(batch.count());
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            records.add(toIncoming(record));
        }
        if (LOG.isDebugEnabled()) {
            LOG.debugf("EL0002 batch of %d records from %s", records.size(),
                    records.stream().map(r -> r.origin().topic() + "-" + r.origin().partition()).distinct().toList());
        }
        return ingest.ingest(records)
                .invoke(outcome -> LOG.debugf("EL0003 batch done: %s", outcome))
                .onFailure().invoke(failure -> LOG.warnf("EL0001 batch of %d records not ingested, will retry: %s",
                        records.size(), failure.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10))
                .atMost(config.ingest().maxRetries())
                .replaceWithVoid();
    }

    private static IncomingRecord toIncoming(ConsumerRecord<byte[], byte[]> record) {
        List<RecordHeader> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(new RecordHeader(header.key(), header.value()));
        }
        return new IncomingRecord(new RecordOrigin(record.topic(), record.partition(), record.offset()),
                record.key(), record.value(), headers, record.timestamp());
    }
}
