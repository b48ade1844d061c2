package io.eventlake.console;

import java.util.Arrays;
import java.util.List;

import io.eventlake.config.CompatibilityLevel;
import io.eventlake.schema.SchemaComparison;
import io.eventlake.schema.StoredSchema;

/**
 * A type's schemas as the schemas page shows them: every version, the type's compatibility level, and two
 * versions compared (null with a single version): their breaking changes and a side-by-side diff of their text
 * ({@code diff} null when too long to compare line by line).
 */
public record SchemaPage(String type, List<StoredSchema> versions, CompatibilityLevel level, SchemaComparison comparison,
        List<LineDiff.Row> diff) {

    /** The levels an admin may set. */
    public List<String> levels() {
        return Arrays.stream(CompatibilityLevel.values()).map(Enum::name).toList();
    }

    /** The newest version's number. */
    public int latest() {
        return versions.get(versions.size() - 1).version();
    }
}
