package io.eventlake.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;

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
    void aCharacterOutsideTheBasicPlaneIsOneReplacement() {
        assertThat(StreamNaming.streamOf("r\uD83D\uDE80ntal.updated")).isEqualTo("r_ntal");
    }

    /** The scan names streams exactly as the regular expression it replaced did, on random types. */
    @Test
    void theScanAgreesWithTheRegularExpressionItReplaced() {
        Pattern notTopicSafe = Pattern.compile("[^a-zA-Z0-9._-]");
        Random random = new Random(42);
        int[] alphabet = { 'a', 'Z', '7', '.', '_', '-', ':', '/', ' ', '\u00e9', 0x1F680, '\u4e2d' };
        for (int n = 0; n < 10_000; n++) {
            StringBuilder type = new StringBuilder();
            for (int i = random.nextInt(12); i >= 0; i--) {
                type.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = type.toString();
            int lastDot = text.lastIndexOf('.');
            String expected = notTopicSafe.matcher(lastDot > 0 ? text.substring(0, lastDot) : text).replaceAll("_");
            assertThat(StreamNaming.streamOf(text)).as(text).isEqualTo(expected);
        }
    }

    @Test
    void topicNamesStayWithinKafkasLimit() {
        assertThat(StreamNaming.topicOf("clean.", "x".repeat(300))).hasSize(249);
        assertThat(StreamNaming.topicOf("clean.", "rental")).isEqualTo("clean.rental");
    }
}
