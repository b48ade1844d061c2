package io.eventlake.schema;

import java.util.List;

import io.eventlake.config.CompatibilityLevel;
import io.eventlake.error.Violation;

/**
 * Two versions of a type and what breaks between them: {@code backwardBreaks}, data written with the older one
 * that the newer one refuses; {@code forwardBreaks}, data written with the newer one that readers of the older
 * one refuse. {@code level} is the type's compatibility level: which of the two the registry would report.
 */
public record SchemaComparison(StoredSchema older, StoredSchema newer, CompatibilityLevel level,
        List<Violation> backwardBreaks, List<Violation> forwardBreaks) {

    /** What the registry would refuse for this pair at the type's level (the older one as the previous version). */
    public List<Violation> reported() {
        if (level.backward() && level.forward()) {
            return java.util.stream.Stream.concat(backwardBreaks.stream(), forwardBreaks.stream()).toList();
        }
        return level.backward() ? backwardBreaks : level.forward() ? forwardBreaks : List.of();
    }
}
