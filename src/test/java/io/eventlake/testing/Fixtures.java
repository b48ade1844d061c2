package io.eventlake.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The realistic rental projection (about 1 KB) from the shared fixtures, copied into test resources. */
public final class Fixtures {

    private static final String RENTAL = read("/fixtures/rental-updated.valid.json");

    private Fixtures() {
    }

    /** The rental projection with its id and a version number set, as compact-ish JSON text. */
    public static String rental(long id, long version) {
        return RENTAL.replaceFirst("\"id\": 4711", "\"id\": " + id)
                .replaceFirst("\\{", "{\"version\": " + version + ",");
    }

    public static String read(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stream name no other test uses. */
    public static String uniqueStream() {
        return "t" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
