package io.eventlake.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import io.eventlake.forward.TopicDifferences.Actual;
import io.eventlake.forward.TopicDifferences.Expected;

class TopicDifferencesTest {

    @Test
    void aMatchingTopicHasNoDifference() {
        assertThat(TopicDifferences.between("t", new Expected(OptionalInt.of(3), true, Optional.of(Duration.ofDays(7))),
                new Actual(3, "compact", Duration.ofDays(7).toMillis()))).isEmpty();
        assertThat(TopicDifferences.between("t", new Expected(OptionalInt.empty(), false, Optional.empty()),
                new Actual(12, "delete", 1000))).isEmpty();
    }

    @Test
    void everyDifferenceIsNamedWithWhatToDo() {
        var differences = TopicDifferences.between("rental.state",
                new Expected(OptionalInt.of(6), true, Optional.of(Duration.ofHours(1))), new Actual(3, "delete", -1));
        assertThat(differences).hasSize(3);
        assertThat(differences.get(0)).contains("has 3 partitions, configured 6", "--alter");
        assertThat(differences.get(1)).contains("cleanup.policy=delete", "configured compacted");
        assertThat(differences.get(2)).contains("retention.ms=-1", "configured 3600000");
        assertThat(TopicDifferences.between("t", new Expected(OptionalInt.of(2), false, Optional.empty()),
                new Actual(4, "compact,delete", -1))).hasSize(2).first().asString().contains("cannot be removed");
    }
}
