package io.eventlake.schema;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.eventlake.config.CompatibilityLevel;
import io.eventlake.error.Violation;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** What the schema API answers. */
public final class SchemaViews {

    private SchemaViews() {
    }

    @RegisterForReflection
    public record SchemaVersion(String type, int version, String fingerprint, String createdBy, OffsetDateTime createdAt,
            @JsonRawValue String schema) {
    }

    /** The result of a registration; {@code created} is false when the same content was already registered. */
    @RegisterForReflection
    public record Registration(SchemaVersion schema, @JsonIgnore boolean created) {
    }

    @RegisterForReflection
    public record TypeSummary(String type, int latestVersion, int versions, CompatibilityLevel compatibility) {
    }

    @RegisterForReflection
    public record Compatibility(String type, CompatibilityLevel compatibility) {
    }

    /** The answer of {@code POST /schemas/{type}/validate}. */
    @RegisterForReflection
    public record ValidationResult(boolean valid, Integer version, String reason, List<Violation> errors) {
    }

    static SchemaVersion of(StoredSchema s) {
        return new SchemaVersion(s.type(), s.version(), s.fingerprint(), s.createdBy(), s.createdAt(), s.schemaText());
    }
}
