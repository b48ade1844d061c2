package io.eventlake.schema.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.config.FormatAssertion;
import io.eventlake.error.Violation;
import io.eventlake.testing.Fixtures;

class JsonSchemaCompilerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final JsonSchemaCompiler compiler = new JsonSchemaCompiler();

    @Test
    void reportsEveryViolationAsAJsonPointerIntoTheInstance() {
        CompiledSchema schema = compiler.compile(json(Fixtures.read("/fixtures/rental-updated.schema.json")));
        assertThat(schema.validate(json(Fixtures.read("/fixtures/rental-updated.valid.json")))).isEmpty();

        var violations = schema.validate(json(Fixtures.read("/fixtures/rental-updated.invalid.json")));
        assertThat(violations).isNotEmpty().allSatisfy(v -> assertThat(v.pointer()).matches("(/[^/]+)*"));
        assertThat(violations).extracting(Violation::pointer).doesNotHaveDuplicates();
    }

    @Test
    void pointsAtAMissingRequiredPropertyAndChecksFormats() {
        CompiledSchema schema = compiler.compile(json("""
                {"type": "object", "required": ["id", "email"],
                 "properties": {"id": {"type": "integer"}, "email": {"type": "string", "format": "email"},
                                "tags": {"type": "array", "items": {"type": "string"}}}}"""));
        var violations = schema.validate(json("{\"email\": \"not-an-email\", \"tags\": [\"a\", 2]}"));
        assertThat(violations).extracting(Violation::pointer).containsExactlyInAnyOrder("/id", "/email", "/tags/1");
        assertThat(violations).filteredOn(v -> v.pointer().equals("/id")).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("required"));
    }

    @Test
    void usesDraft7WhenTheSchemaSaysSo() {
        CompiledSchema schema = compiler.compile(json("""
                {"$schema": "http://json-schema.org/draft-07/schema#", "type": "array",
                 "items": [{"type": "string"}], "additionalItems": false}"""));
        assertThat(schema.dialect().name()).isEqualTo("DRAFT_7");
        // Tuple-form items only exist in draft 7.
        assertThat(schema.validate(json("[\"a\"]"))).isEmpty();
        assertThat(schema.validate(json("[\"a\", 1]"))).isNotEmpty();
    }

    @Test
    void refusesSchemasThatAreNotValidJsonSchema() {
        assertThatThrownBy(() -> compiler.compile(json("{\"type\": \"objekt\", \"minLength\": -1}")))
                .isInstanceOfSatisfying(InvalidSchemaException.class, e -> assertThat(e.violations())
                        .extracting(Violation::pointer).contains("/type", "/minLength"));
        assertThatThrownBy(() -> compiler.compile(json("[1, 2]"))).isInstanceOf(InvalidSchemaException.class);
        assertThatThrownBy(() -> compiler.compile(json("{\"type\": \"string\", \"pattern\": \"([a-\"}")))
                .isInstanceOf(InvalidSchemaException.class);
    }

    @Test
    void formatIsCheckedAlwaysByDefaultAsTheVocabularySaysOrNever() {
        String draft2020 = "{\"type\": \"string\", \"format\": \"email\"}";
        String draft7 = "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"string\", \"format\": \"email\"}";
        JsonNode notAnEmail = json("\"not-an-email\"");

        assertThat(compiler.compile(json(draft2020)).validate(notAnEmail)).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("email"));
        assertThat(compiler.compile(json(draft7)).validate(notAnEmail)).hasSize(1);

        // the bundled 2020-12 metaschema declares the format-annotation vocabulary: an annotation there
        JsonSchemaCompiler vocabulary = new JsonSchemaCompiler(FormatAssertion.VOCABULARY, true);
        assertThat(vocabulary.compile(json(draft2020)).validate(notAnEmail)).isEmpty();
        assertThat(vocabulary.compile(json(draft7)).validate(notAnEmail)).hasSize(1);

        JsonSchemaCompiler never = new JsonSchemaCompiler(FormatAssertion.NEVER, true);
        assertThat(never.compile(json(draft2020)).validate(notAnEmail)).isEmpty();
        assertThat(never.compile(json(draft7)).validate(notAnEmail)).isEmpty();
    }

    @Test
    void aStoredSchemaThatNeedsBacktrackingStillLoadsWithoutTheLinearTimeCheck() {
        JsonNode legacy = json("{\"type\": \"string\", \"pattern\": \"^(?!tmp-)\"}");
        assertThatThrownBy(() -> compiler.compile(legacy)).isInstanceOf(InvalidSchemaException.class);
        CompiledSchema loaded = new JsonSchemaCompiler(FormatAssertion.ALWAYS, false).compile(legacy);
        assertThat(loaded.validate(json("\"tmp-1\""))).hasSize(1);
        assertThat(loaded.validate(json("\"real-1\""))).isEmpty();
    }

    @Test
    void refusesPatternsThatNeedBacktrackingSayingWhereAndWhy() {
        assertThatThrownBy(() -> compiler.compile(json("""
                {"properties": {"code": {"type": "string", "pattern": "^(a+)+\\\\1$"}},
                 "patternProperties": {"^(?=x)": {"type": "integer"}}}""")))
                .isInstanceOfSatisfying(InvalidSchemaException.class, e -> {
                    assertThat(e.violations()).extracting(Violation::pointer)
                            .containsExactlyInAnyOrder("/properties/code/pattern", "/patternProperties");
                    assertThat(e.violations()).allSatisfy(v -> assertThat(v.message()).contains("linear time"));
                });
    }

    @Test
    void aPatternThatBacktracksExponentiallyInJavaValidatesAnEventInBoundedTime() {
        // java.util.regex takes 2^30 steps here; RE2 takes a step per character
        CompiledSchema schema = compiler.compile(json("{\"type\": \"string\", \"pattern\": \"^(a|a)*$\"}"));
        String hostile = "\"" + "a".repeat(30) + "!\"";
        var violations = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> schema.validate(json(hostile)));
        assertThat(violations).singleElement().satisfies(v -> assertThat(v.message()).contains("pattern"));
        assertThat(schema.validate(json("\"aaaa\""))).isEmpty();
    }

    @Test
    void everydayPatternsKeepTheirEcmaScriptMeaning() {
        CompiledSchema schema = compiler.compile(json("""
                {"type": "object", "properties": {
                   "plate": {"type": "string", "pattern": "^[A-Z]{1,3}-\\\\d{1,4}$"},
                   "name": {"type": "string", "pattern": "^\\\\p{Letter}+$"},
                   "anywhere": {"type": "string", "pattern": "b+"}}}"""));
        assertThat(schema.validate(json("{\"plate\": \"AB-123\", \"name\": \"Zoë\", \"anywhere\": \"abba\"}")))
                .isEmpty();
        assertThat(schema.validate(json("{\"plate\": \"AB-123\\n\", \"name\": \"Zoë1\", \"anywhere\": \"aca\"}")))
                .extracting(Violation::pointer).containsExactlyInAnyOrder("/plate", "/name", "/anywhere");
    }

    @Test
    void refusesUnknownDialectsAndRemoteReferencesInsteadOfFetchingThem() {
        assertThatThrownBy(() -> compiler.compile(json("{\"$schema\": \"https://example.com/my-dialect\"}")))
                .isInstanceOfSatisfying(InvalidSchemaException.class,
                        e -> assertThat(e.violations().get(0).pointer()).isEqualTo("/$schema"));
        assertThatThrownBy(() -> compiler.compile(json("{\"$ref\": \"https://example.com/other.json\"}")))
                .isInstanceOfSatisfying(InvalidSchemaException.class, e -> {
                    assertThat(e.violations().get(0).pointer()).isEqualTo("/$ref");
                    assertThat(e.violations().get(0).message()).startsWith("remote references are refused")
                            .contains("https://example.com/other.json");
                });
        assertThatThrownBy(() -> compiler.compile(
                json("{\"properties\": {\"address\": {\"$ref\": \"address.json\"}}}")))
                .isInstanceOfSatisfying(InvalidSchemaException.class,
                        e -> assertThat(e.violations().get(0).pointer()).isEqualTo("/properties/address/$ref"));
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
