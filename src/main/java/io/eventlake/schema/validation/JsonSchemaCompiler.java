package io.eventlake.schema.validation;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;

import io.eventlake.config.FormatAssertion;
import io.eventlake.error.Violation;

/**
 * Compiles registered JSON Schemas into validators (networknt json-schema-validator): draft 2020-12 unless
 * the schema's {@code $schema} names draft 7 (or 2019-09), format assertions on, error locations as JSON
 * pointers, patterns run in linear time ({@link LinearTimeRegularExpressions}). Metaschemas come from the library's bundled
 * copies; nothing is ever fetched over the network,
 * so a {@code $ref} to a remote document is refused when the schema is registered.
 * <p>
 * Pure logic: no I/O, thread-safe, unit tests reach it without Quarkus.
 */
public final class JsonSchemaCompiler {

    /** Dialects a registered schema may declare in {@code $schema}. */
    private static final List<SpecificationVersion> SUPPORTED = List.of(SpecificationVersion.DRAFT_2020_12,
            SpecificationVersion.DRAFT_2019_09, SpecificationVersion.DRAFT_7);

    private final SchemaRegistry registry;
    private final boolean linearTimePatterns;

    /** Format assertions in every dialect, patterns in linear time: what registration uses by default. */
    public JsonSchemaCompiler() {
        this(FormatAssertion.ALWAYS, true);
    }

    /**
     * @param linearTimePatterns false only to load a schema registered before patterns ran with RE2 (one that
     *        needs backtracking); new registrations always check them
     */
    public JsonSchemaCompiler(FormatAssertion formats, boolean linearTimePatterns) {
        this.linearTimePatterns = linearTimePatterns;
        SchemaRegistryConfig.Builder settings = SchemaRegistryConfig.builder()
                .pathType(PathType.JSON_POINTER)
                // null: the library follows the metaschema's vocabulary (and asserts in draft 7)
                .formatAssertionsEnabled(switch (formats) {
                    case ALWAYS -> Boolean.TRUE;
                    case NEVER -> Boolean.FALSE;
                    case VOCABULARY -> null;
                });
        if (linearTimePatterns) {
            settings.regularExpressionFactory(LinearTimeRegularExpressions.INSTANCE);
        }
        SchemaRegistryConfig config = settings.build();
        this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(config)
                        .schemaLoader(loader -> loader.fetchRemoteResources(false)));
    }

    /**
     * Compiles a schema, after checking it against its dialect's metaschema.
     *
     * @throws InvalidSchemaException listing every problem, when it is not a usable JSON Schema
     */
    public CompiledSchema compile(JsonNode schema) {
        if (!schema.isObject() && !schema.isBoolean()) {
            throw new InvalidSchemaException(List.of(Violation.atPointer("", "a JSON Schema is an object or a boolean")));
        }
        SpecificationVersion dialect = dialectOf(schema);
        Schema metaschema = registry.getSchema(SchemaLocation.of(dialect.getDialectId()));
        List<Violation> problems = toViolations(metaschema.validate(schema));
        if (linearTimePatterns) {
            // The metaschema's "format: regex" check refuses the same patterns, saying less: say why, in its place.
            List<Violation> patterns = LinearTimeRegularExpressions.problemsOf(schema, "");
            List<String> explained = patterns.stream().map(Violation::pointer).toList();
            List<Violation> byMetaschema = problems;
            problems = new ArrayList<>(patterns);
            byMetaschema.stream().filter(v -> !explained.contains(v.pointer())).forEach(problems::add);
        }
        if (!problems.isEmpty()) {
            throw new InvalidSchemaException(problems);
        }
        try {
            Schema compiled = registry.getSchema(schema);
            // Validators are built lazily; build them now so a bad regex or an unresolvable $ref is refused
            // at registration, not on the first event.
            compiled.initializeValidators();
            return new CompiledSchema(compiled, dialect);
        } catch (SchemaException | IllegalArgumentException | com.google.re2j.PatternSyntaxException e) {
            List<Violation> remote = remoteReferences(schema, "");
            if (!remote.isEmpty()) {
                throw new InvalidSchemaException(remote);
            }
            throw new InvalidSchemaException(List.of(Violation.atPointer("", "not a usable JSON Schema: " + rootMessage(e))));
        }
    }

    /**
     * The {@code $ref}s that point outside the schema (anything but a {@code #} fragment), each at its pointer:
     * what a schema that cannot be compiled most likely tried to load.
     */
    private static List<Violation> remoteReferences(JsonNode node, String pointer) {
        List<Violation> found = new ArrayList<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String at = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                if (("$ref".equals(field.getKey()) || "$dynamicRef".equals(field.getKey())) && field.getValue().isTextual()
                        && !field.getValue().asText().startsWith("#")) {
                    found.add(Violation.atPointer(at, "remote references are refused: the registry never fetches '"
                            + field.getValue().asText() + "' over the network (a registered schema must be self-contained: "
                            + "put what it refers to under $defs and refer to it with '#/$defs/...')"));
                } else {
                    found.addAll(remoteReferences(field.getValue(), at));
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                found.addAll(remoteReferences(node.get(i), pointer + "/" + i));
            }
        }
        return found;
    }

    private static SpecificationVersion dialectOf(JsonNode schema) {
        JsonNode declared = schema.path("$schema");
        if (declared.isMissingNode()) {
            return SpecificationVersion.DRAFT_2020_12;
        }
        String id = declared.asText();
        for (SpecificationVersion version : SUPPORTED) {
            if (normalize(version.getDialectId()).equals(normalize(id))) {
                return version;
            }
        }
        throw new InvalidSchemaException(List.of(Violation.atPointer("/$schema", "unsupported dialect '" + id
                + "': use https://json-schema.org/draft/2020-12/schema or http://json-schema.org/draft-07/schema#")));
    }

    private static String normalize(String dialectId) {
        String id = dialectId.endsWith("#") ? dialectId.substring(0, dialectId.length() - 1) : dialectId;
        return id.replaceFirst("^https?://", "");
    }

    /** Every error as a JSON pointer into the instance and a message; a missing property is pointed at. */
    static List<Violation> toViolations(List<Error> errors) {
        List<Violation> violations = new ArrayList<>(errors.size());
        for (Error error : errors) {
            String pointer = error.getInstanceLocation().toString();
            if ("required".equals(error.getKeyword()) && error.getProperty() != null) {
                pointer = pointer + "/" + error.getProperty().replace("~", "~0").replace("/", "~1");
            }
            violations.add(Violation.atPointer(pointer, error.getMessage()));
        }
        return violations;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
