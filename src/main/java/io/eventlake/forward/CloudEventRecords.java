package io.eventlake.forward;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.eventlake.event.Event;

/**
 * An event as a Kafka record, the way every topic Event Lake writes (clean topics, replays, backfills)
 * carries it: a CloudEvent in binary mode, the key its subject, the value its data, the attributes
 * {@code ce_*} headers, and its position in the lake ({@code eventlake-seq}).
 */
public final class CloudEventRecords {

    /** Header with the event's position in the lake: subscribers hand over from a backfill by it. */
    public static final String LAKE_SEQ_HEADER = "eventlake-seq";

    private static final byte[] SPEC_VERSION = "1.0".getBytes(StandardCharsets.UTF_8);
    private static final byte[] JSON = "application/json".getBytes(StandardCharsets.UTF_8);

    private CloudEventRecords() {
    }

    /** {@code nullValue}: a tombstone on a compacted topic (the key with a null value). */
    public static ProducerRecord<String, byte[]> toRecord(Event event, String topic, boolean nullValue) {
        return toRecord(event, nullValue || event.data() == null ? null : utf8(event.data()), topic, null);
    }

    /**
     * An event's record with its value given as bytes (null: none; the event's own {@code data} is not read) and one
     * more header after the event's own ({@code extra}: null for none), put in before the record copies the headers:
     * added to the record's copy, it grew that list again for every record.
     */
    public static ProducerRecord<String, byte[]> toRecord(Event event, byte[] value, String topic, Header extra) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_specversion", SPEC_VERSION);
        headers.add("ce_id", utf8(event.id()));
        headers.add("ce_source", utf8(event.source()));
        headers.add("ce_type", utf8(event.type()));
        headers.add("ce_time", IsoTimes.utf8(event.time()));
        if (event.subject() != null) {
            headers.add("ce_subject", utf8(event.subject()));
        }
        if (event.dataSchema() != null) {
            headers.add("ce_dataschema", utf8(event.dataSchema()));
        }
        headers.add("content-type", event.dataContentType() != null ? utf8(event.dataContentType()) : JSON);
        if (event.lakeSeq() != null) {
            headers.add(LAKE_SEQ_HEADER, utf8(Long.toString(event.lakeSeq())));
        }
        if (extra != null) {
            headers.add(extra);
        }
        return new ProducerRecord<>(topic, null, event.subject(), value, headers);
    }

    /** The lake position a record carries, or -1 when it carries none. */
    static long lakeSeqOf(ProducerRecord<String, byte[]> record) {
        var header = record.headers().lastHeader(LAKE_SEQ_HEADER);
        return header == null ? -1 : Long.parseLong(new String(header.value(), StandardCharsets.UTF_8));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
