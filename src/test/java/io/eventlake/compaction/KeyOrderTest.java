package io.eventlake.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class KeyOrderTest {

    private static final OffsetDateTime T = OffsetDateTime.parse("2026-01-01T10:00:00Z");

    @Test
    void versionsDecideWhenBothHaveOneWhateverTheTimeOrArrival() {
        assertThat(
                new KeyOrder(BigDecimal.valueOf(3), T.minusHours(1), 1).isNewerThan(new KeyOrder(BigDecimal.valueOf(2), T, 2)))
                .isTrue();
        assertThat(new KeyOrder(BigDecimal.valueOf(2), T, 9).isNewerThan(new KeyOrder(BigDecimal.valueOf(3), T, 1))).isFalse();
    }

    @Test
    void withoutVersionsOrWithEqualOnesTheTimeDecidesThenArrival() {
        assertThat(new KeyOrder(null, T, 1).isNewerThan(new KeyOrder(BigDecimal.ONE, T.minusSeconds(1), 2))).isTrue();
        assertThat(new KeyOrder(BigDecimal.ONE, T.minusSeconds(1), 5).isNewerThan(new KeyOrder(new BigDecimal("1.0"), T, 2)))
                .isFalse();
        assertThat(new KeyOrder(null, T, 5).isNewerThan(new KeyOrder(null, T.withOffsetSameInstant(ZoneOffset.ofHours(2)), 4)))
                .isTrue();
        assertThat(new KeyOrder(null, T, 4).isNewerThan(new KeyOrder(null, T, 4))).isFalse();
    }

    @Test
    void theVersionFieldReadsNumbersAndTimestampsAndIgnoresAnythingElse() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        var data = mapper.readTree("{\"version\": 7, \"updated_at\": \"2026-01-01T10:00:00.123456Z\", "
                + "\"meta\": {\"rev\": 2.5}, \"name\": \"x\", \"nothing\": null}");
        assertThat(new VersionField("version").read(data)).isEqualByComparingTo("7");
        assertThat(new VersionField("/meta/rev").read(data)).isEqualByComparingTo("2.5");
        assertThat(new VersionField("/updated_at").read(data))
                .isEqualByComparingTo(BigDecimal.valueOf(T.toEpochSecond() * 1_000_000 + 123_456));
        assertThat(new VersionField("name").read(data)).isNull();
        assertThat(new VersionField("nothing").read(data)).isNull();
        assertThat(new VersionField("missing").read(data)).isNull();
        assertThat(new VersionField("version").read(null)).isNull();
    }
}
