package io.eventlake.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

class TagValuesTest {

    @Test
    void theFirstNamesUpToTheLimitAreKeptAndTheRestAreOther() {
        TagValues streams = new TagValues("stream", Set.of("rental"), 2);

        assertThat(streams.of("a")).isEqualTo("a");
        assertThat(streams.of("b")).isEqualTo("b");
        assertThat(streams.of("c")).isEqualTo(TagValues.OTHER);
        assertThat(streams.of("a")).as("a name kept stays kept").isEqualTo("a");
        assertThat(streams.of("rental")).as("configured names do not count against the limit").isEqualTo("rental");
        assertThat(streams.of("d")).isEqualTo(TagValues.OTHER);
    }
}
