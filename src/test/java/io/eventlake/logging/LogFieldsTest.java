package io.eventlake.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fields are in the MDC while open and gone, or back to what they were, once closed. */
class LogFieldsTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void fieldsAreThereWhileOpenAndGoneAfter() {
        try (var fields = LogFields.of(LogFields.JOB, 42L, LogFields.STREAM, "rentals")) {
            assertThat(MDC.get(LogFields.JOB)).isEqualTo("42");
            assertThat(MDC.get(LogFields.STREAM)).isEqualTo("rentals");
        }
        assertThat(MDC.get(LogFields.JOB)).isNull();
        assertThat(MDC.get(LogFields.STREAM)).isNull();
    }

    @Test
    void anInnerFieldOfTheSameNameGivesBackTheOuterValue() {
        try (var outer = LogFields.of(LogFields.STREAM, "rentals")) {
            try (var inner = LogFields.of(LogFields.STREAM, "bookings")) {
                assertThat(MDC.get(LogFields.STREAM)).isEqualTo("bookings");
            }
            assertThat(MDC.get(LogFields.STREAM)).isEqualTo("rentals");
        }
        assertThat(MDC.get(LogFields.STREAM)).isNull();
    }

    @Test
    void aNullValueAddsNothing() {
        try (var fields = LogFields.of(LogFields.EVENT_ID, null)) {
            assertThat(MDC.get(LogFields.EVENT_ID)).isNull();
        }
    }
}
