package io.eventlake.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.envelope.IncomingRecord.RecordHeader;
import io.eventlake.event.Event;
import io.eventlake.event.RecordOrigin;

class EnvelopeExtractorTest {

    private final EnvelopeExtractor extractor = new EnvelopeExtractor(new ObjectMapper(), "event-type", "event-id",
            type -> type.startsWith("parsed."));
    private final RecordOrigin origin = new RecordOrigin("ingest.rentals", 2, 41);

    @Test
    void readsPlainJsonWithTypeFromHeaderAndKeyFromRecordKey() {
        Event event = extracted(record("Rental-1", "{\"a\":1}", "event-type", "rental.updated"));
        assertThat(event.type()).isEqualTo("rental.updated");
        assertThat(event.stream()).isEqualTo("rental");
        assertThat(event.subject()).isEqualTo("Rental-1");
        assertThat(event.data()).isEqualTo("{\"a\":1}");
        assertThat(event.origin()).isEqualTo(origin);
    }

    @Test
    void fallsBackToTopicPartitionOffsetForTheIdAndTheTopicForTheSource() {
        Event event = extracted(record("Rental-1", "{}", "event-type", "rental.updated"));
        assertThat(event.id()).isEqualTo("ingest.rentals/2/41");
        assertThat(event.source()).isEqualTo("kafka:ingest.rentals");
    }

    @Test
    void takesThePlainIdFromTheConfiguredHeader() {
        Event event = extracted(record("Rental-1", "{}", "event-type", "rental.updated", "event-id", "abc"));
        assertThat(event.id()).isEqualTo("abc");
    }

    @Test
    void usesTheRecordTimestampWhenNoTimeIsGiven() {
        Event event = extracted(record("k", "{}", "event-type", "t.x"));
        assertThat(event.time().toInstant().toEpochMilli()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void readsBinaryModeAttributesFromCeHeaders() {
        Event event = extracted(record("Rental-1", "{\"a\":1}", "ce_specversion", "1.0", "ce_id", "e-1",
                "ce_source", "/booking", "ce_type", "rental.updated", "ce_subject", "Rental-9",
                "ce_time", "2025-06-12T08:00:00+02:00", "ce_dataschema", "https://schemas/rental/1",
                "content-type", "application/json"));
        assertThat(event.id()).isEqualTo("e-1");
        assertThat(event.source()).isEqualTo("/booking");
        assertThat(event.subject()).as("ce_subject wins over the record key").isEqualTo("Rental-9");
        assertThat(event.time()).isEqualTo(OffsetDateTime.parse("2025-06-12T08:00:00+02:00"));
        assertThat(event.dataSchema()).isEqualTo("https://schemas/rental/1");
        assertThat(event.dataContentType()).isEqualTo("application/json");
    }

    @Test
    void readsStructuredModeFromTheValue() {
        String envelope = """
                {"specversion":"1.0","id":"s-1","source":"/booking","type":"rental.deleted","subject":"Rental-3",
                 "time":"2025-01-01T00:00:00Z","data":{"id":3}}""";
        Event event = extracted(record(null, envelope, "content-type", "application/cloudevents+json; charset=UTF-8"));
        assertThat(event.id()).isEqualTo("s-1");
        assertThat(event.type()).isEqualTo("rental.deleted");
        assertThat(event.subject()).isEqualTo("Rental-3");
        assertThat(event.data()).isEqualTo("{\"id\":3}");
    }

    @Test
    void readsStructuredModeBase64Data() {
        String envelope = "{\"type\":\"a.b\",\"data_base64\":\"eyJ4IjoxfQ==\"}";
        Event event = extracted(record("k", envelope, "content-type", "application/cloudevents+json"));
        assertThat(event.data()).isEqualTo("{\"x\":1}");
    }

    @Test
    void allowsAnEventWithoutData() {
        Event event = extracted(new IncomingRecord(origin, bytes("k"), null,
                List.of(new RecordHeader("event-type", bytes("t.deleted"))), 0));
        assertThat(event.data()).isNull();
    }

    @Test
    void rejectsAValueThatIsNotJson() {
        assertRejected(record("k", "{\"a\":", "event-type", "t.x"), RejectionCode.NOT_JSON, "the record value is not JSON");
    }

    @Test
    void rejectsTrailingGarbageAfterJson() {
        assertRejected(record("k", "{} {}", "event-type", "t.x"), RejectionCode.NOT_JSON, "not JSON");
    }

    @Test
    void rejectsARecordWithoutType() {
        assertRejected(record("k", "{}"), RejectionCode.MISSING_TYPE, "header 'event-type'");
        assertRejected(record("k", "{}", "ce_specversion", "1.0"), RejectionCode.MISSING_TYPE, "header 'ce_type'");
        assertRejected(record("k", "{\"data\":{}}", "content-type", "application/cloudevents+json"),
                RejectionCode.MISSING_TYPE, "attribute 'type'");
    }

    @Test
    void rejectsAStructuredEventThatIsNotAnObject() {
        assertRejected(record("k", "[1]", "content-type", "application/cloudevents+json"), RejectionCode.NOT_JSON,
                "must be a JSON object");
    }

    @Test
    void rejectsMalformedAttributes() {
        assertRejected(record("k", "{}", "ce_type", "t.x", "ce_time", "noon"), RejectionCode.INVALID_ATTRIBUTE,
                "RFC 3339");
        assertRejected(record("k", "{\"type\":\"t.x\",\"id\":5}", "content-type", "application/cloudevents+json"),
                RejectionCode.INVALID_ATTRIBUTE, "'id' must be a string");
        assertRejected(record("k", "{\"type\":\"t.x\",\"data_base64\":\"!!\"}", "content-type",
                "application/cloudevents+json"), RejectionCode.INVALID_ATTRIBUTE, "not base64");
    }

    private Event extracted(IncomingRecord record) {
        Extraction extraction = extractor.extract(record);
        assertThat(extraction).isInstanceOf(Extraction.Extracted.class);
        return ((Extraction.Extracted) extraction).event();
    }

    private void assertRejected(IncomingRecord record, RejectionCode code, String messagePart) {
        Extraction extraction = extractor.extract(record);
        assertThat(extraction).isInstanceOf(Extraction.Rejected.class);
        var rejected = (Extraction.Rejected) extraction;
        assertThat(rejected.code()).isEqualTo(code);
        assertThat(rejected.message()).contains(messagePart);
    }

    private IncomingRecord record(String key, String value, String... headerPairs) {
        List<RecordHeader> headers = new ArrayList<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(new RecordHeader(headerPairs[i], bytes(headerPairs[i + 1])));
        }
        return new IncomingRecord(origin, key == null ? null : bytes(key), bytes(value), headers, 1_700_000_000_000L);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
