package io.eventlake.schema;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.config.UnknownTypePolicy;
import io.eventlake.error.Violation;
import io.eventlake.schema.validation.CompiledSchema;
import io.smallrye.mutiny.Uni;

/**
 * Validates an event's data against its type's schema: the version its {@code dataschema} attribute names
 * ({@code .../schemas/{type}/versions/{n}}) when it names one, else the latest. An event whose type has no
 * schema follows its stream's {@link UnknownTypePolicy}. Pure CPU work on cached, compiled schemas.
 */
@ApplicationScoped
public class EventValidator {

    private static final Pattern VERSION_REFERENCE = Pattern.compile("/schemas/([^/]+)/versions/(\\d+)$");

    /** The verdict on one event. */
    public sealed interface Verdict {
    }

    /** Valid against this version. */
    public record Valid(int version) implements Verdict {
    }

    /** Its type has no schema and its stream accepts such types. */
    public record Unvalidated() implements Verdict {
    }

    /** Why an event was refused. */
    public enum Refusal {
        /** Its data breaks its type's schema (or is not JSON). */
        SCHEMA_VIOLATION,
        /** Its type has no schema and its stream rejects such types. */
        UNKNOWN_TYPE
    }

    /** Refused, with a summary and every violation. */
    public record Invalid(Refusal refusal, String summary, List<Violation> violations) implements Verdict {
    }

    @Inject
    SchemaCache cache;

    @Inject
    EventLakeConfig config;

    @Inject
    ObjectMapper mapper;

    /** Completes once the schemas are loaded; validate only after it. */
    public Uni<Void> ready() {
        return cache.ready();
    }

    /** Whether events of this type are validated (it has a registered schema). */
    public boolean hasSchema(String type) {
        return cache.of(type).isPresent();
    }

    /** Validates data given as JSON text (as it arrives from Kafka). */
    public Verdict validate(String type, String stream, String dataSchema, String data) {
        if (cache.of(type).isEmpty()) {
            return validateNode(type, stream, dataSchema, NullNode.getInstance());
        }
        JsonNode instance;
        try {
            instance = data == null ? NullNode.getInstance() : mapper.readTree(data);
        } catch (JsonProcessingException e) {
            // The extractor only lets JSON through; keep the verdict honest anyway.
            return new Invalid(Refusal.SCHEMA_VIOLATION, "data is not JSON",
                    List.of(Violation.atPointer("", "data is not JSON")));
        }
        return validateNode(type, stream, dataSchema, instance);
    }

    /** Validates data already parsed (as it arrives over HTTP); a missing data is JSON null. */
    public Verdict validateNode(String type, String stream, String dataSchema, JsonNode data) {
        Optional<SchemaCache.TypeSchemas> schemas = cache.of(type);
        if (schemas.isEmpty()) {
            if (config.schema().unknownTypePolicyOf(stream) == UnknownTypePolicy.ACCEPT) {
                return new Unvalidated();
            }
            String message = "no schema is registered for type '" + type + "' and stream '" + stream
                    + "' rejects unknown types";
            return new Invalid(Refusal.UNKNOWN_TYPE, message, List.of(Violation.atPointer("", message)));
        }
        Map.Entry<Integer, CompiledSchema> chosen = schemas.get().latest();
        Integer named = namedVersion(type, dataSchema);
        if (named != null) {
            Optional<CompiledSchema> version = schemas.get().version(named);
            if (version.isEmpty()) {
                String message = "dataschema names version " + named + " of '" + type + "', which is not registered";
                return new Invalid(Refusal.SCHEMA_VIOLATION, message, List.of(Violation.atPointer("", message)));
            }
            chosen = Map.entry(named, version.get());
        }
        return check(type, chosen.getKey(), chosen.getValue(), data == null ? NullNode.getInstance() : data);
    }

    private Verdict check(String type, int version, CompiledSchema schema, JsonNode instance) {
        List<Violation> violations = schema.validate(instance);
        if (violations.isEmpty()) {
            return new Valid(version);
        }
        return new Invalid(Refusal.SCHEMA_VIOLATION, summary(type, version, violations), violations);
    }

    static String summary(String type, int version, List<Violation> violations) {
        StringBuilder summary = new StringBuilder("does not match schema '").append(type).append("' version ")
                .append(version).append(": ");
        int shown = Math.min(5, violations.size());
        for (int i = 0; i < shown; i++) {
            Violation v = violations.get(i);
            summary.append(i == 0 ? "" : "; ").append(v.pointer().isEmpty() ? "(root)" : v.pointer()).append(' ')
                    .append(v.message());
        }
        if (violations.size() > shown) {
            summary.append("; and ").append(violations.size() - shown).append(" more");
        }
        return summary.toString();
    }

    /** The version a {@code dataschema} such as {@code https://lake/schemas/rental.updated/versions/2} names. */
    static Integer namedVersion(String type, String dataSchema) {
        if (dataSchema == null) {
            return null;
        }
        Matcher matcher = VERSION_REFERENCE.matcher(dataSchema);
        if (!matcher.find() || !matcher.group(1).equals(type)) {
            return null;
        }
        try {
            return Integer.valueOf(matcher.group(2));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
