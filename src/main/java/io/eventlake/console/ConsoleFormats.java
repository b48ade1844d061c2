package io.eventlake.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.eventlake.replay.ReplayJob;
import io.quarkus.qute.TemplateExtension;

/** How the console's templates write figures: {@code {sample.storedPerSecond.perSecond}} and the like. */
@TemplateExtension
public class ConsoleFormats {

    private ConsoleFormats() {
    }

    /** A rate with one decimal, e.g. {@code 1,234.5}. */
    static String perSecond(double value) {
        return String.format(Locale.ROOT, "%,.1f", value);
    }

    /** Milliseconds with one decimal, or a dash when nothing was measured. */
    static String millis(Double value) {
        return value == null ? "–" : String.format(Locale.ROOT, "%,.1f", value);
    }

    /** A replay's progress in percent (0 to 100); 0 while nothing is expected. */
    static int percent(ReplayJob job) {
        return job.totalExpected() <= 0 ? 0 : (int) Math.min(100, job.sent() * 100 / job.totalExpected());
    }

    /** A name as one segment of a path (a group's name may hold any character). */
    static String urlPath(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A count with thousands separators. */
    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
