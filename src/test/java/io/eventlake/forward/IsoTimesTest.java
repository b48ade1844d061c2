package io.eventlake.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The ce_time header's bytes are exactly those of {@link OffsetDateTime#toString()}, whatever the time. */
class IsoTimesTest {

    @Test
    void everyShapeOfTimeIsWrittenAsToStringWritesIt() {
        assertSame(OffsetDateTime.of(2026, 12, 4, 7, 45, 0, 0, ZoneOffset.UTC)); // no seconds: 2026-12-04T07:45Z
        assertSame(OffsetDateTime.of(2026, 12, 4, 7, 45, 9, 0, ZoneOffset.UTC));
        assertSame(OffsetDateTime.of(2026, 1, 2, 0, 0, 0, 1_000_000, ZoneOffset.UTC)); // millis: .001
        assertSame(OffsetDateTime.of(2026, 1, 2, 0, 0, 0, 120_000, ZoneOffset.UTC)); // micros: .000120
        assertSame(OffsetDateTime.of(2026, 1, 2, 0, 0, 0, 7, ZoneOffset.UTC)); // nanos: .000000007
        assertSame(OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        assertSame(OffsetDateTime.of(999, 10, 31, 23, 59, 59, 999_999_999, ZoneOffset.UTC));
        assertSame(OffsetDateTime.of(9999, 12, 31, 23, 59, 59, 999_000, ZoneOffset.UTC));
        // Outside the fast path: other offsets, years of five digits or before year 0.
        assertSame(OffsetDateTime.of(2026, 12, 4, 7, 45, 9, 0, ZoneOffset.ofHours(2)));
        assertSame(OffsetDateTime.of(10_000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        assertSame(OffsetDateTime.of(-1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));

        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 100_000; i++) {
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            assertSame(OffsetDateTime.of(random.nextInt(10_000), 1 + random.nextInt(12), 1 + random.nextInt(28),
                    random.nextInt(24), random.nextInt(60), i % 7 == 0 ? 0 : random.nextInt(60), nano, ZoneOffset.UTC));
        }
    }

    private static void assertSame(OffsetDateTime time) {
        assertThat(new String(IsoTimes.utf8(time), StandardCharsets.UTF_8)).isEqualTo(time.toString());
    }
}
