package io.eventlake.schema.compatibility;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.eventlake.config.CompatibilityLevel;

/**
 * Checks a candidate schema against the earlier versions of its type at a compatibility level, and lists
 * every breaking change. Backward compatibility of {@code old → new} is "every instance valid under old is
 * valid under new" ({@link SchemaInclusion}); forward is the same question the other way round.
 */
public final class CompatibilityChecker {

    private CompatibilityChecker() {
    }

    /**
     * @param earlier the registered versions, oldest first
     * @return the breaking changes, each prefixed with the version and direction it breaks; empty when the
     *         candidate may be registered
     */
    public static List<SchemaChange> check(CompatibilityLevel level, List<JsonNode> earlier, JsonNode candidate) {
        List<SchemaChange> breaks = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return breaks;
        }
        int from = level.transitive() ? 0 : earlier.size() - 1;
        for (int i = from; i < earlier.size(); i++) {
            JsonNode previous = earlier.get(i);
            int version = i + 1;
            if (level.backward()) {
                for (SchemaChange change : SchemaInclusion.whyNotIncluded(previous, candidate)) {
                    breaks.add(new SchemaChange(change.pointer(),
                            "backward (data written with version " + version + "): " + change.message()));
                }
            }
            if (level.forward()) {
                for (SchemaChange change : SchemaInclusion.whyNotIncluded(candidate, previous)) {
                    breaks.add(new SchemaChange(change.pointer(),
                            "forward (readers of version " + version + "): " + change.message()));
                }
            }
        }
        return breaks;
    }
}
