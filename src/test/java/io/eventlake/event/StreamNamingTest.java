package io.eventlake.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamNamingTest {

    @Test
    void theStreamIsTheTypeWithoutItsAction() {
        assertThat(StreamNaming.streamOf("rental.updated")).isEqualTo("rental");
        assertThat(StreamNaming.streamOf("com.example.booking.rental.deleted")).isEqualTo("com.example.booking.rental");
    }

    @Test
    void aTypeWithoutDotIsItsOwnStream() {
        assertThat(StreamNaming.streamOf("heartbeat")).isEqualTo("heartbeat");
        assertThat(StreamNaming.streamOf(".hidden")).isEqualTo(".hidden");
    }

    @Test
    void charactersKafkaRefusesInTopicNamesAreReplaced() {
        assertThat(StreamNaming.streamOf("urn:rental/v1.updated")).isEqualTo("urn_rental_v1");
    }

    @Test
    void topicNamesStayWithinKafkasLimit() {
        assertThat(StreamNaming.topicOf("clean.", "x".repeat(300))).hasSize(249);
        assertThat(StreamNaming.topicOf("clean.", "rental")).isEqualTo("clean.rental");
    }
}
