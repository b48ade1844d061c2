package io.eventlake.schema.compatibility;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Decides whether every instance one JSON Schema accepts is accepted by another ("{@code narrow} is
 * included in {@code wide}"), and if not, says why, rule by rule. Backward compatibility of a new version is
 * "the old is included in the new"; forward is "the new is included in the old".
 * <p>
 * The check is structural and conservative: it proves inclusion for the keywords it understands (type,
 * enum/const, numeric and string bounds, pattern, format, array and object keywords, local {@code $ref}s)
 * and reports any other keyword that the wider schema adds or changes as "cannot prove", so a change it
 * cannot reason about is refused rather than let through. Keywords only the narrower schema has can only
 * shrink what it accepts, so they never break inclusion.
 */
public final class SchemaInclusion {

    /** Keywords that never constrain an instance. */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$anchor", "$comment", "$defs",
            "definitions", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
            "contentMediaType", "contentEncoding", "$vocabulary", "$dynamicAnchor");

    /** Keywords this class reasons about; any other constraining keyword is compared for equality. */
    private static final Set<String> UNDERSTOOD = Set.of("type", "enum", "const", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "format",
            "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "properties", "required",
            "additionalProperties", "minProperties", "maxProperties", "$ref");

    private static final List<String> ALL_TYPES = List.of("null", "boolean", "object", "array", "number", "string");

    private static final int MAX_DEPTH = 64;
    /** Breaking changes reported at most; the rest are counted. */
    static final int MAX_REPORTED = 50;

    private final JsonNode narrowRoot;
    private final JsonNode wideRoot;
    private final List<SchemaChange> breaks = new ArrayList<>();
    private int unreported;
    /**
     * Pairs (narrow, wide) of subschemas already checked or being checked. A recursive schema (a tree, a linked list
     * through {@code $ref}) reaches the same pair again; inclusion is then assumed for it (coinduction: if it
     * failed, its first visit reports why), so every pair is visited once, not once per path to it.
     */
    private final Map<JsonNode, Set<JsonNode>> visited = new IdentityHashMap<>();

    private SchemaInclusion(JsonNode narrowRoot, JsonNode wideRoot) {
        this.narrowRoot = narrowRoot;
        this.wideRoot = wideRoot;
    }

    /**
     * Why some instance valid under {@code narrow} may be invalid under {@code wide}; empty when every
     * instance of {@code narrow} is an instance of {@code wide}. Pointers are into {@code wide}'s instances.
     */
    public static List<SchemaChange> whyNotIncluded(JsonNode narrow, JsonNode wide) {
        SchemaInclusion inclusion = new SchemaInclusion(narrow, wide);
        inclusion.check(narrow, wide, "", 0);
        if (inclusion.unreported > 0) {
            inclusion.breaks.add(new SchemaChange("", "… and " + inclusion.unreported + " more"));
        }
        return List.copyOf(inclusion.breaks);
    }

    private void check(JsonNode narrow, JsonNode wide, String at, int depth) {
        if (depth > MAX_DEPTH) {
            fail(at, "the schemas nest too deeply (or recurse) to prove compatibility");
            return;
        }
        if (acceptsEverything(wide) || rejectsEverything(narrow)) {
            return;
        }
        if (!visited.computeIfAbsent(narrow, n -> Collections.newSetFromMap(new IdentityHashMap<>())).add(wide)) {
            return;
        }
        if (rejectsEverything(wide)) {
            fail(at, "the schema now rejects every value");
            return;
        }
        if (narrow.isBoolean()) {
            // narrow is `true`: every value was allowed, and wide constrains something.
            fail(at, "a value that was unconstrained is now constrained");
            return;
        }
        if (wide.has("$ref")) {
            // wide = rest AND target: narrow must fit in both.
            JsonNode target = resolve(wideRoot, wide.get("$ref").asText());
            if (target == null) {
                fail(at, "cannot resolve $ref '" + wide.get("$ref").asText() + "' to prove compatibility");
                return;
            }
            check(narrow, target, at, depth + 1);
            wide = withoutRef(wide);
        }
        if (narrow.has("$ref")) {
            JsonNode target = resolve(narrowRoot, narrow.get("$ref").asText());
            if (target == null) {
                fail(at, "cannot resolve $ref '" + narrow.get("$ref").asText() + "' to prove compatibility");
                return;
            }
            if (onlyRef(narrow)) {
                check(target, wide, at, depth + 1);
                return;
            }
            // narrow = rest AND target: either part fitting in wide is enough; try the target first.
            SchemaInclusion viaTarget = new SchemaInclusion(narrowRoot, wideRoot);
            viaTarget.check(target, wide, at, depth + 1);
            if (viaTarget.breaks.isEmpty()) {
                return;
            }
            narrow = withoutRef(narrow);
        }
        checkOtherKeywords(narrow, wide, at);
        checkType(narrow, wide, at);
        checkEnum(narrow, wide, at);
        checkNumbers(narrow, wide, at);
        checkStrings(narrow, wide, at);
        checkArrays(narrow, wide, at, depth);
        checkObjects(narrow, wide, at, depth);
    }

    private void checkOtherKeywords(JsonNode narrow, JsonNode wide, String at) {
        for (Iterator<String> names = wide.fieldNames(); names.hasNext();) {
            String keyword = names.next();
            if (ANNOTATIONS.contains(keyword) || UNDERSTOOD.contains(keyword)) {
                continue;
            }
            if (!wide.get(keyword).equals(narrow.get(keyword))) {
                fail(at, "keyword '" + keyword + "' was added or changed; its effect cannot be proven compatible");
            }
        }
    }

    private void checkType(JsonNode narrow, JsonNode wide, String at) {
        Set<String> wideTypes = types(wide);
        if (wideTypes == null) {
            return;
        }
        Set<String> narrowTypes = types(narrow);
        if (narrowTypes == null) {
            narrowTypes = possibleTypes(narrow);
        }
        for (String type : narrowTypes) {
            boolean allowed = wideTypes.contains(type) || ("integer".equals(type) && wideTypes.contains("number"));
            if (!allowed) {
                fail(at, "type narrowed: a " + type + " was allowed and no longer is (allowed now: " + wideTypes + ")");
            }
        }
    }

    private void checkEnum(JsonNode narrow, JsonNode wide, String at) {
        Set<JsonNode> wideValues = allowedValues(wide);
        if (wideValues == null) {
            return;
        }
        Set<JsonNode> narrowValues = allowedValues(narrow);
        if (narrowValues == null) {
            fail(at, "an enum or const was added: values that were allowed are no longer");
            return;
        }
        for (JsonNode value : narrowValues) {
            if (!wideValues.contains(value)) {
                fail(at, "enum narrowed: " + value + " is no longer allowed");
            }
        }
    }

    private void checkNumbers(JsonNode narrow, JsonNode wide, String at) {
        if (!mayBe(narrow, "number") && !mayBe(narrow, "integer")) {
            return;
        }
        Bound wideLow = Bound.lower(wide), narrowLow = Bound.lower(narrow);
        if (wideLow != null && (narrowLow == null || narrowLow.looserLowerThan(wideLow))) {
            fail(at, "minimum tightened to " + wideLow
                    + (narrowLow == null ? " (there was none)" : " (was " + narrowLow + ")"));
        }
        Bound wideHigh = Bound.upper(wide), narrowHigh = Bound.upper(narrow);
        if (wideHigh != null && (narrowHigh == null || narrowHigh.looserUpperThan(wideHigh))) {
            fail(at, "maximum tightened to " + wideHigh
                    + (narrowHigh == null ? " (there was none)" : " (was " + narrowHigh + ")"));
        }
        if (wide.has("multipleOf")) {
            BigDecimal wideStep = wide.get("multipleOf").decimalValue();
            BigDecimal narrowStep = narrow.has("multipleOf") ? narrow.get("multipleOf").decimalValue() : null;
            if (narrowStep == null || narrowStep.remainder(wideStep).signum() != 0) {
                fail(at, "multipleOf " + wideStep + " added or changed"
                        + (narrowStep == null ? "" : " (was " + narrowStep + ")"));
            }
        }
    }

    private void checkStrings(JsonNode narrow, JsonNode wide, String at) {
        if (!mayBe(narrow, "string")) {
            return;
        }
        lowerLimit(narrow, wide, "minLength", at);
        upperLimit(narrow, wide, "maxLength", at);
        sameOrAbsent(narrow, wide, "pattern", at, "pattern added or changed");
        sameOrAbsent(narrow, wide, "format", at, "format added or changed");
    }

    private void checkArrays(JsonNode narrow, JsonNode wide, String at, int depth) {
        if (!mayBe(narrow, "array")) {
            return;
        }
        lowerLimit(narrow, wide, "minItems", at);
        upperLimit(narrow, wide, "maxItems", at);
        if (wide.path("uniqueItems").asBoolean(false) && !narrow.path("uniqueItems").asBoolean(false)) {
            fail(at, "uniqueItems added: arrays with repeated items are no longer allowed");
        }
        JsonNode widePrefix = wide.get("prefixItems");
        JsonNode narrowPrefix = narrow.get("prefixItems");
        int prefixes = Math.max(widePrefix == null ? 0 : widePrefix.size(), narrowPrefix == null ? 0 : narrowPrefix.size());
        for (int i = 0; i < prefixes; i++) {
            check(itemSchema(narrow, i), itemSchema(wide, i), at + "/" + i, depth + 1);
        }
        if (wide.has("items") || narrow.has("items")) {
            check(itemSchema(narrow, prefixes), itemSchema(wide, prefixes), at + "/" + (prefixes == 0 ? "*" : prefixes + "+"),
                    depth + 1);
        }
    }

    private void checkObjects(JsonNode narrow, JsonNode wide, String at, int depth) {
        if (!mayBe(narrow, "object")) {
            return;
        }
        lowerLimit(narrow, wide, "minProperties", at);
        upperLimit(narrow, wide, "maxProperties", at);
        Set<String> narrowRequired = names(narrow.get("required"));
        for (String name : names(wide.get("required"))) {
            if (!narrowRequired.contains(name)) {
                fail(at + "/" + escape(name), "property '" + name + "' became required");
            }
        }
        JsonNode wideProperties = wide.path("properties");
        JsonNode narrowProperties = narrow.path("properties");
        Set<String> allNames = new LinkedHashSet<>();
        wideProperties.fieldNames().forEachRemaining(allNames::add);
        narrowProperties.fieldNames().forEachRemaining(allNames::add);
        for (String name : allNames) {
            JsonNode narrowSchema = propertySchema(narrow, name);
            JsonNode wideSchema = propertySchema(wide, name);
            String where = at + "/" + escape(name);
            if (!narrowProperties.has(name) && wideProperties.has(name) && !rejectsEverything(narrowSchema)
                    && !acceptsEverything(wideSchema)) {
                // The old content model was open: an instance may already carry this property, with any value.
                SchemaInclusion added = new SchemaInclusion(narrowRoot, wideRoot);
                added.check(narrowSchema, wideSchema, where, depth + 1);
                if (!added.breaks.isEmpty()) {
                    fail(where, "property '" + name + "' added with constraints to an open content model: "
                            + "values it already carried may not fit");
                }
                continue;
            }
            if (narrowProperties.has(name) && !wideProperties.has(name) && rejectsEverything(wideSchema)) {
                fail(where, "property '" + name + "' removed from a closed content model (additionalProperties: false)");
                continue;
            }
            check(narrowSchema, wideSchema, where, depth + 1);
        }
        JsonNode wideAdditional = wide.get("additionalProperties");
        if (wideAdditional != null) {
            JsonNode narrowAdditional = narrow.has("additionalProperties") ? narrow.get("additionalProperties") : trueSchema();
            if (rejectsEverything(wideAdditional) && !rejectsEverything(narrowAdditional)) {
                fail(at, "content model closed (additionalProperties: false): properties it did not name were allowed");
            } else {
                check(narrowAdditional, wideAdditional, at + "/*", depth + 1);
            }
        }
    }

    private void lowerLimit(JsonNode narrow, JsonNode wide, String keyword, String at) {
        if (wide.has(keyword)) {
            long limit = wide.get(keyword).asLong();
            if (!narrow.has(keyword) || narrow.get(keyword).asLong() < limit) {
                fail(at, keyword + " tightened to " + limit + describeOld(narrow, keyword));
            }
        }
    }

    private void upperLimit(JsonNode narrow, JsonNode wide, String keyword, String at) {
        if (wide.has(keyword)) {
            long limit = wide.get(keyword).asLong();
            if (!narrow.has(keyword) || narrow.get(keyword).asLong() > limit) {
                fail(at, keyword + " tightened to " + limit + describeOld(narrow, keyword));
            }
        }
    }

    private void sameOrAbsent(JsonNode narrow, JsonNode wide, String keyword, String at, String message) {
        if (wide.has(keyword) && !wide.get(keyword).equals(narrow.get(keyword))) {
            fail(at, message + ": " + wide.get(keyword) + describeOld(narrow, keyword));
        }
    }

    private static String describeOld(JsonNode narrow, String keyword) {
        return narrow.has(keyword) ? " (was " + narrow.get(keyword) + ")" : " (there was none)";
    }

    private void fail(String at, String message) {
        if (breaks.size() < MAX_REPORTED) {
            breaks.add(new SchemaChange(at, message));
        } else {
            unreported++;
        }
    }

    private static JsonNode itemSchema(JsonNode schema, int index) {
        JsonNode prefix = schema.get("prefixItems");
        if (prefix != null && index < prefix.size()) {
            return prefix.get(index);
        }
        JsonNode items = schema.get("items");
        if (items != null && items.isArray()) {
            // draft 7 tuple form
            if (index < items.size()) {
                return items.get(index);
            }
            return schema.has("additionalItems") ? schema.get("additionalItems") : trueSchema();
        }
        return items != null ? items : trueSchema();
    }

    private static JsonNode propertySchema(JsonNode schema, String name) {
        JsonNode properties = schema.path("properties");
        if (properties.has(name)) {
            return properties.get(name);
        }
        if (schema.has("patternProperties")) {
            // A pattern might cover this name; we cannot prove which schema applies.
            return trueSchema();
        }
        return schema.has("additionalProperties") ? schema.get("additionalProperties") : trueSchema();
    }

    private static Set<String> types(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null) {
            return null;
        }
        Set<String> types = new HashSet<>();
        if (type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        } else {
            types.add(type.asText());
        }
        return types;
    }

    /** The types an instance may have when the schema has no "type": from enum/const if there is one. */
    private static Set<String> possibleTypes(JsonNode schema) {
        Set<JsonNode> values = allowedValues(schema);
        if (values == null) {
            return new LinkedHashSet<>(ALL_TYPES);
        }
        Set<String> types = new LinkedHashSet<>();
        for (JsonNode value : values) {
            types.add(value.isNull() ? "null"
                    : value.isBoolean() ? "boolean"
                            : value.isObject() ? "object"
                                    : value.isArray() ? "array"
                                            : value.isIntegralNumber() ? "integer" : value.isNumber() ? "number" : "string");
        }
        return types;
    }

    private static boolean mayBe(JsonNode schema, String type) {
        Set<String> types = types(schema);
        if (types == null) {
            return true;
        }
        return types.contains(type) || ("integer".equals(type) && types.contains("number"))
                || ("number".equals(type) && types.contains("integer"));
    }

    private static Set<JsonNode> allowedValues(JsonNode schema) {
        if (schema.has("const")) {
            return Set.of(schema.get("const"));
        }
        if (schema.has("enum")) {
            Set<JsonNode> values = new HashSet<>();
            schema.get("enum").forEach(values::add);
            return values;
        }
        return null;
    }

    private static Set<String> names(JsonNode array) {
        Set<String> names = new LinkedHashSet<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> names.add(n.asText()));
        }
        return names;
    }

    static boolean acceptsEverything(JsonNode schema) {
        if (schema.isBoolean()) {
            return schema.booleanValue();
        }
        for (Iterator<String> names = schema.fieldNames(); names.hasNext();) {
            if (!ANNOTATIONS.contains(names.next())) {
                return false;
            }
        }
        return true;
    }

    static boolean rejectsEverything(JsonNode schema) {
        return schema.isBoolean() && !schema.booleanValue()
                || schema.isObject() && schema.has("not") && acceptsEverything(schema.get("not"));
    }

    private static boolean onlyRef(JsonNode schema) {
        for (Iterator<String> names = schema.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!"$ref".equals(name) && !ANNOTATIONS.contains(name)) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode withoutRef(JsonNode schema) {
        if (!schema.isObject() || !schema.has("$ref")) {
            return schema;
        }
        // A shallow copy: the subschemas stay the same nodes, so pairs of them are recognised when visited again.
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        schema.fields().forEachRemaining(field -> {
            if (!"$ref".equals(field.getKey())) {
                copy.set(field.getKey(), field.getValue());
            }
        });
        return copy;
    }

    /** Resolves a local reference ({@code #/$defs/x}, {@code #/definitions/x}, {@code #}); null otherwise. */
    private static JsonNode resolve(JsonNode root, String ref) {
        if (!ref.startsWith("#")) {
            return null;
        }
        JsonNode target = root.at(ref.substring(1));
        return target.isMissingNode() ? null : target;
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static JsonNode trueSchema() {
        return BooleanNode.TRUE;
    }

    /** A numeric bound, inclusive or exclusive (draft 2020-12 numbers or draft 4 booleans). */
    private record Bound(BigDecimal value, boolean exclusive) {

        static Bound lower(JsonNode schema) {
            return bound(schema, "minimum", "exclusiveMinimum", true);
        }

        static Bound upper(JsonNode schema) {
            return bound(schema, "maximum", "exclusiveMaximum", false);
        }

        private static Bound bound(JsonNode schema, String inclusiveKey, String exclusiveKey, boolean lower) {
            Bound inclusive = schema.has(inclusiveKey) && schema.get(inclusiveKey).isNumber()
                    ? new Bound(schema.get(inclusiveKey).decimalValue(), false)
                    : null;
            JsonNode exclusiveNode = schema.get(exclusiveKey);
            if (exclusiveNode != null && exclusiveNode.isBoolean()) {
                return inclusive == null ? null : new Bound(inclusive.value, exclusiveNode.booleanValue());
            }
            Bound exclusive = exclusiveNode != null && exclusiveNode.isNumber() ? new Bound(exclusiveNode.decimalValue(), true)
                    : null;
            if (inclusive == null || exclusive == null) {
                return inclusive != null ? inclusive : exclusive;
            }
            // Both given: the tighter one applies.
            if (lower) {
                return exclusive.value.compareTo(inclusive.value) >= 0 ? exclusive : inclusive;
            }
            return exclusive.value.compareTo(inclusive.value) <= 0 ? exclusive : inclusive;
        }

        /** Whether this lower bound lets through a value {@code other} refuses. */
        boolean looserLowerThan(Bound other) {
            int c = value.compareTo(other.value);
            return c < 0 || (c == 0 && !exclusive && other.exclusive);
        }

        boolean looserUpperThan(Bound other) {
            int c = value.compareTo(other.value);
            return c > 0 || (c == 0 && !exclusive && other.exclusive);
        }

        @Override
        public String toString() {
            return (exclusive ? "exclusive " : "") + value.toPlainString();
        }
    }
}
