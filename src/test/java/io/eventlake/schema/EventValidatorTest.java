package io.eventlake.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.eventlake.error.Violation;

class EventValidatorTest {

    @Test
    void dataschemaNamesAVersionOfTheEventsOwnType() {
        assertThat(EventValidator.namedVersion("rental.updated", "https://lake.example/schemas/rental.updated/versions/3"))
                .isEqualTo(3);
        assertThat(EventValidator.namedVersion("rental.updated", "https://lake.example/schemas/other.type/versions/3"))
                .isNull();
        assertThat(EventValidator.namedVersion("rental.updated", "https://example.com/rental.json")).isNull();
        assertThat(EventValidator.namedVersion("rental.updated", null)).isNull();
    }

    @Test
    void theSummaryNamesTheVersionAndTheFirstViolations() {
        List<Violation> violations = List.of(Violation.atPointer("", "required property 'id' not found"),
                Violation.atPointer("/a", "x"), Violation.atPointer("/b", "x"), Violation.atPointer("/c", "x"),
                Violation.atPointer("/d", "x"), Violation.atPointer("/e", "x"));
        assertThat(EventValidator.summary("rental.updated", 2, violations))
                .startsWith("does not match schema 'rental.updated' version 2: (root) required property 'id' not found; /a x")
                .endsWith("; and 1 more");
    }
}
