package io.eventlake.schema;

import java.util.EnumMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.config.FormatAssertion;
import io.eventlake.schema.validation.CompiledSchema;
import io.eventlake.schema.validation.InvalidSchemaException;
import io.eventlake.schema.validation.JsonSchemaCompiler;

/**
 * Compiles a type's schemas with the type's settings ({@code eventlake.schema.format-assertion}, per type
 * {@code eventlake.schema.type."<type>".format-assertion}). Registration and the cache compile through it, so a
 * schema is checked as it will be used.
 */
@ApplicationScoped
public class SchemaCompilers {

    private static final Logger LOG = Logger.getLogger(SchemaCompilers.class);

    private final FormatAssertion defaultFormats;
    private final Map<String, FormatAssertion> formatsByType;
    private final Map<FormatAssertion, JsonSchemaCompiler> compilers = new EnumMap<>(FormatAssertion.class);
    private final Map<FormatAssertion, JsonSchemaCompiler> backtracking = new EnumMap<>(FormatAssertion.class);

    @Inject
    public SchemaCompilers(EventLakeConfig config) {
        this(config.schema().formatAssertion(), formatsByType(config));
    }

    SchemaCompilers(FormatAssertion defaultFormats, Map<String, FormatAssertion> formatsByType) {
        this.defaultFormats = defaultFormats;
        this.formatsByType = Map.copyOf(formatsByType);
        for (FormatAssertion formats : FormatAssertion.values()) {
            compilers.put(formats, new JsonSchemaCompiler(formats, true));
            backtracking.put(formats, new JsonSchemaCompiler(formats, false));
        }
    }

    private static Map<String, FormatAssertion> formatsByType(EventLakeConfig config) {
        Map<String, FormatAssertion> byType = new java.util.HashMap<>();
        config.schema().types().forEach((type, settings) -> settings.formatAssertion().ifPresent(f -> byType.put(type, f)));
        return byType;
    }

    public FormatAssertion formatsOf(String type) {
        return formatsByType.getOrDefault(type, defaultFormats);
    }

    /** A schema being registered: every check, patterns in linear time included. */
    public CompiledSchema compileNew(String type, JsonNode schema) {
        return compilers.get(formatsOf(type)).compile(schema);
    }

    /**
     * A schema already registered. One registered before patterns had to run in linear time still loads (with
     * backtracking patterns, as before), so that an upgrade changes no verdict; EL0306 asks for a new version.
     */
    public CompiledSchema compileStored(String type, int version, JsonNode schema) {
        try {
            return compileNew(type, schema);
        } catch (InvalidSchemaException e) {
            LOG.warnf("EL0306 schema %s v%d has patterns that need backtracking (%s): it is loaded as it was, but "
                    + "register a version without them, so that one event cannot stall validation", type, version,
                    e.violations().get(0).message());
            return backtracking.get(formatsOf(type)).compile(schema);
        }
    }
}
