package io.eventlake.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class PageCursorTest {

    @Test
    void roundTrips() {
        for (long seq : new long[] { 0, 1, 42, Long.MAX_VALUE }) {
            assertThat(PageCursor.decode(PageCursor.encode(seq))).isEqualTo(seq);
        }
    }

    @Test
    void isOpaque() {
        assertThat(PageCursor.encode(42)).doesNotContain("42");
    }

    @Test
    void rejectsWhatItDidNotIssue() {
        for (String bad : new String[] { "42", "!!!", encoded("v2:5"), encoded("v1:-3"), encoded("v1:abc"), "" }) {
            assertThatThrownBy(() -> PageCursor.decode(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static String encoded(String text) {
        return Base64.getUrlEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
