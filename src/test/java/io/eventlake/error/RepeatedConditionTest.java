package io.eventlake.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RepeatedConditionTest {

    @Test
    void theFirstOccurrenceIsReportedThenNothingWithinTheIntervalAndTheEndWithTheCount() {
        RepeatedCondition outage = new RepeatedCondition(Duration.ofHours(1));

        assertThat(outage.occurred()).hasValueSatisfying(report -> assertThat(report.occurrences()).isEqualTo(1));
        assertThat(outage.occurred()).isEmpty();
        assertThat(outage.occurred()).isEmpty();
        assertThat(outage.ended()).hasValueSatisfying(report -> assertThat(report.occurrences()).isEqualTo(3));
        assertThat(outage.ended()).as("nothing to end twice").isEmpty();
        assertThat(outage.occurred()).as("a new outage is reported again")
                .hasValueSatisfying(report -> assertThat(report.occurrences()).isEqualTo(1));
    }

    @Test
    void onceTheIntervalPassedTheNextOccurrenceIsReportedWithWhatHappenedSinceTheLastReport() {
        RepeatedCondition outage = new RepeatedCondition(Duration.ZERO);

        outage.occurred();
        assertThat(outage.occurred()).hasValueSatisfying(report -> {
            assertThat(report.occurrences()).isEqualTo(2);
            assertThat(report.sinceLastReport()).isEqualTo(1);
        });
    }
}
