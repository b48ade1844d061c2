package io.eventlake.request;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque pagination cursors: a versioned position (a lake seq, a dead letter or audit id), base64url-encoded so clients treat
 * it as a token, not a number they might do arithmetic on. Decoding rejects anything it did not encode.
 */
public final class PageCursor {

    private static final String PREFIX = "v1:";

    private PageCursor() {
    }

    public static String encode(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + seq).getBytes(StandardCharsets.UTF_8));
    }

    /** The position a cursor stands for; throws {@link IllegalArgumentException} for a cursor we did not issue. */
    public static long decode(String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a cursor issued by this service");
        }
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a cursor issued by this service");
        }
        try {
            long seq = Long.parseLong(text.substring(PREFIX.length()));
            if (seq < 0) {
                throw new IllegalArgumentException("not a cursor issued by this service");
            }
            return seq;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a cursor issued by this service");
        }
    }
}
