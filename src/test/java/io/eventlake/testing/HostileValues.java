package io.eventlake.testing;

import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Malformed values a careless or hostile client sends, drawn from a seeded {@link Random} so that a run can be
 * repeated: wrong types, huge and negative numbers, very long strings, unicode and control characters, bad
 * cursors, durations and datetimes, names with {@code /}, {@code ..}, {@code \} and NUL.
 */
public final class HostileValues {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Strings that break parsers, paths, SQL, topic names and headers. */
    static final List<String> STRINGS = List.of(
            "", " ", "0", "-1", "-0", "1e309", "9223372036854775808", "-9223372036854775809", "NaN", "Infinity",
            "0x10", "1.5", "ten", "true", "null", "[]", "{}", "/", "..", ".", "../..", "a/b", "a\\b", "\\", "\u0000",
            "a\u0000b", "\r\nX-Injected: 1", "\t", "'; drop table lake_event; --", "%", "%00", "%2e%2e", "?", "#",
            "*", "Ωmega", "😀", "\uD800", "\u202Eevil", "é", "groupé", "2025-13-45T99:99:99Z", "2025-06-12",
            "2025-06-12T08:00:00", "+999999999-12-31T23:59:59Z", "P", "PT", "-PT1S", "P999999999999D", "PT0S",
            "eyJpZCI6MX0", "bm90IGEgY3Vyc29y", "!!!", "earliest", "latest", "snapshot", "to-earliest", "shift-by",
            "a.b.c", "clean.x", "__consumer_offsets", "eventlake.dead-letters", "Rental-42", "x".repeat(250),
            "y".repeat(5000));

    private final Random random;
    private final List<String> known = new java.util.ArrayList<>();

    public HostileValues(long seed) {
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    public <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /**
     * Names that exist in the service (groups, streams, types, ids): a malformed request that names something
     * real gets past the lookups and reaches the checks behind them.
     */
    public void know(java.util.Collection<String> names) {
        known.addAll(names);
        java.util.Collections.sort(known); // the order the service listed them in must not change the run
    }

    /**
     * A hostile string: one of the classics, a name that exists, or a random one of unicode, control characters
     * and separators.
     */
    public String string() {
        if (!known.isEmpty() && random.nextInt(5) == 0) {
            return pick(known);
        }
        if (random.nextInt(4) > 0) {
            return pick(STRINGS);
        }
        int length = random.nextInt(4) == 0 ? 1 + random.nextInt(20_000) : 1 + random.nextInt(40);
        StringBuilder value = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(6)) {
                case 0 -> value.append((char) random.nextInt(0x20));
                case 1 -> value.appendCodePoint(0xA0 + random.nextInt(0x2FF00));
                case 2 -> value.append("/\\.%?#&=".charAt(random.nextInt(8)));
                default -> value.append((char) ('a' + random.nextInt(26)));
            }
        }
        return value.toString();
    }

    /** A JSON value of any type, often of the wrong one for where it is put. */
    public JsonNode anyValue(int depth) {
        return switch (random.nextInt(depth > 2 ? 7 : 9)) {
            case 0 -> JSON.nullNode();
            case 1 -> JSON.booleanNode(random.nextBoolean());
            case 2 -> JSON.numberNode(pick(List.of(0L, -1L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, 2147483648L)));
            case 3 -> JSON.numberNode(new java.math.BigInteger("9".repeat(1 + random.nextInt(400))));
            case 4 -> JSON.numberNode(random.nextBoolean() ? 1.5e300 : -0.000001);
            case 5, 6 -> JSON.textNode(string());
            case 7 -> {
                ArrayNode array = JSON.arrayNode();
                int size = random.nextInt(4);
                for (int i = 0; i < size; i++) {
                    array.add(anyValue(depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = JSON.objectNode();
                int size = random.nextInt(4);
                for (int i = 0; i < size; i++) {
                    object.set(random.nextBoolean() ? string() : pick(List.of("id", "type", "topic", "partition")),
                            anyValue(depth + 1));
                }
                yield object;
            }
        };
    }

    /** Text that is not JSON, or JSON of the wrong shape at the top. */
    public String brokenJson() {
        return pick(List.of("", "{", "[", "}", "{\"a\":", "{\"a\" 1}", "nul", "'x'", "{\"a\":1,}", "[1,2",
                "\"unterminated", "{\"a\":\"\\u12\"}", "\u0000", "{\"a\":1}{\"b\":2}", "<xml/>", "1e99999",
                "[".repeat(5000), "{\"a\":".repeat(3000), "null", "0", "[]", "\"text\"", "true"));
    }

    public String json(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
