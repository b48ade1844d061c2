package io.eventlake.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.config.CompatibilityLevel;
import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.NotFoundException;
import io.eventlake.error.Violation;
import io.eventlake.schema.SchemaViews.Registration;
import io.eventlake.schema.SchemaViews.TypeSummary;
import io.eventlake.schema.SchemaViews.ValidationResult;
import io.eventlake.schema.compatibility.CompatibilityChecker;
import io.eventlake.schema.compatibility.SchemaChange;
import io.eventlake.schema.compatibility.SchemaInclusion;
import io.eventlake.schema.validation.CompiledSchema;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Registers schema versions: checks that a schema is valid JSON Schema, that it is compatible with the
 * earlier versions at the type's level, and stores it as the next version, in one transaction that holds
 * the type's lock (two registrations of one type, on any instances, never race) and notifies every instance.
 */
@ApplicationScoped
public class SchemaRegistryService {

    @Inject
    Pool pool;

    @Inject
    SchemaRepository repository;

    @Inject
    SchemaCache cache;

    @Inject
    ObjectMapper mapper;

    @Inject
    EventLakeConfig config;

    @Inject
    SchemaCompilers compilers;

    /** Registers a schema; returns the new version, or the existing one with the same content. */
    public Uni<Registration> register(String type, JsonNode schema, String by) {
        compilers.compileNew(type, schema);
        String fingerprint = SchemaFingerprint.of(schema);
        String text = schema.toString();
        return pool.withTransaction(connection -> repository.lockType(connection, type)
                .flatMap(x -> repository.byFingerprint(connection, type, fingerprint))
                .flatMap(existing -> {
                    if (existing.isPresent()) {
                        return Uni.createFrom().item(new Registration(SchemaViews.of(existing.get()), false));
                    }
                    return repository.versions(connection, type)
                            .flatMap(versions -> levelOf(type).map(level -> {
                                checkCompatible(type, level, versions, schema);
                                return versions.size() + 1;
                            }))
                            .flatMap(version -> repository.insert(connection, type, version, text, fingerprint, by))
                            .call(stored -> repository.notifyChange(connection, type))
                            .map(stored -> new Registration(SchemaViews.of(stored), true));
                }))
                // Our own NOTIFY arrives too, but the caller may send an event right away: refresh now.
                .call(registration -> registration.created() ? cache.reload(type) : Uni.createFrom().voidItem());
    }

    /** Refuses the candidate (409, every breaking change listed) when it breaks the type's level. */
    private void checkCompatible(String type, CompatibilityLevel level, List<StoredSchema> versions, JsonNode candidate) {
        List<JsonNode> earlier = versions.stream().map(v -> parse(v.schemaText())).toList();
        List<SchemaChange> breaks = CompatibilityChecker.check(level, earlier, candidate);
        if (!breaks.isEmpty()) {
            throw new IncompatibleSchemaException(type, level, toViolations(breaks));
        }
    }

    public Uni<CompatibilityLevel> levelOf(String type) {
        return repository.compatibility(pool, type).map(level -> level.orElse(config.schema().defaultCompatibility()));
    }

    public Uni<CompatibilityLevel> setLevel(String type, CompatibilityLevel level, String by) {
        return repository.setCompatibility(pool, type, level, by).replaceWith(level);
    }

    public Uni<List<TypeSummary>> types() {
        return repository.types(pool).map(rows -> rows.stream()
                .map(row -> new TypeSummary(row.type(), row.latestVersion(), row.versions(),
                        row.compatibility() != null ? row.compatibility() : config.schema().defaultCompatibility()))
                .toList());
    }

    public Uni<List<StoredSchema>> versions(String type) {
        return repository.versions(pool, type).invoke(versions -> {
            if (versions.isEmpty()) {
                throw noSchema(type);
            }
        });
    }

    /** A version by number, or the latest for "latest". */
    public Uni<StoredSchema> version(String type, String version) {
        Uni<Optional<StoredSchema>> found = "latest".equals(version) ? repository.latest(pool, type)
                : repository.version(pool, type, Integer.parseInt(version));
        return found.map(schema -> schema.orElseThrow(() -> "latest".equals(version) ? noSchema(type)
                : new NotFoundException("Type '" + type + "' has no schema version " + version + ".")));
    }

    /**
     * Two versions of a type side by side, with what stands between them in each direction: the changes that
     * make data written with {@code older} invalid under {@code newer} (they break BACKWARD), and those that make
     * data written with {@code newer} invalid for readers of {@code older} (they break FORWARD), and the type's
     * level, which says which of them the registry refuses.
     */
    public Uni<SchemaComparison> compare(String type, int older, int newer) {
        return Uni.combine().all().unis(version(type, Integer.toString(older)), version(type, Integer.toString(newer)),
                levelOf(type)).asTuple().map(found -> {
                    JsonNode left = parse(found.getItem1().schemaText());
                    JsonNode right = parse(found.getItem2().schemaText());
                    return new SchemaComparison(found.getItem1(), found.getItem2(), found.getItem3(),
                            toViolations(SchemaInclusion.whyNotIncluded(left, right)),
                            toViolations(SchemaInclusion.whyNotIncluded(right, left)));
                });
    }

    static NotFoundException noSchema(String type) {
        return new NotFoundException("No schema is registered for type '" + type + "'.");
    }

    static List<Violation> toViolations(List<SchemaChange> changes) {
        List<Violation> violations = new ArrayList<>(changes.size());
        for (SchemaChange change : changes) {
            violations.add(Violation.atPointer(change.pointer(), change.message()));
        }
        return violations;
    }

    private JsonNode parse(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("EL0305 stored schema is not JSON", e);
        }
    }

    /**
     * The verdict of the type's schema ({@code version}: a number or {@code latest}) on a payload, without
     * ingesting it: every violation as {pointer, message}. 404 without such a schema.
     */
    public Uni<ValidationResult> validate(String type, String version, JsonNode payload) {
        String wanted = version;
        return cache.ready().map(x -> {
            SchemaCache.TypeSchemas schemas = cache.of(type).orElseThrow(() -> noSchema(type));
            int number = "latest".equals(wanted) ? schemas.latest().getKey() : Integer.parseInt(wanted);
            Optional<CompiledSchema> schema = schemas.version(number);
            if (schema.isEmpty()) {
                throw new NotFoundException("Type '" + type + "' has no schema version " + number + ".");
            }
            List<Violation> violations = schema.get().validate(payload);
            return new ValidationResult(violations.isEmpty(), number,
                    violations.isEmpty() ? null : EventValidator.summary(type, number, violations), violations);
        });
    }
}
