package io.eventlake.schema.compatibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.config.CompatibilityLevel;

/**
 * The compatibility rules, one by one: what each schema change breaks (backward: readers with the new
 * schema and data written with the old; forward: readers with the old schema and data written with the
 * new), then every level with an accepted and a refused example.
 */
class CompatibilityCheckerTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String BASE = """
            {"type": "object", "required": ["id"],
             "properties": {"id": {"type": "integer"}, "name": {"type": "string", "maxLength": 50},
                            "status": {"enum": ["active", "inactive"]}, "price": {"type": "number", "minimum": 0}}}""";

    private static final String CLOSED = """
            {"type": "object", "required": ["id"], "additionalProperties": false,
             "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}""";

    @Nested
    class Rules {

        @Test
        void addingARequiredPropertyBreaksBackwardNotForward() {
            String changed = BASE.replace("\"required\": [\"id\"]", "\"required\": [\"id\", \"name\"]");
            assertThat(backward(BASE, changed)).anySatisfy(c -> {
                assertThat(c.pointer()).isEqualTo("/name");
                assertThat(c.message()).contains("became required");
            });
            assertThat(forward(BASE, changed)).isEmpty();
        }

        @Test
        void removingARequiredPropertyBreaksForwardNotBackward() {
            String changed = BASE.replace("\"required\": [\"id\"]", "\"required\": []");
            assertThat(backward(BASE, changed)).isEmpty();
            assertThat(forward(BASE, changed)).anySatisfy(c -> assertThat(c.message()).contains("'id' became required"));
        }

        @Test
        void removingAPropertyFromAClosedContentModelBreaksBackward() {
            String changed = CLOSED.replace(", \"name\": {\"type\": \"string\"}", "");
            assertThat(backward(CLOSED, changed)).anySatisfy(c -> {
                assertThat(c.pointer()).isEqualTo("/name");
                assertThat(c.message()).contains("removed from a closed content model");
            });
        }

        @Test
        void addingAnOptionalPropertyToAClosedContentModelIsBackwardCompatibleButNotForward() {
            String changed = CLOSED.replace("\"name\": {\"type\": \"string\"}",
                    "\"name\": {\"type\": \"string\"}, \"city\": {\"type\": \"string\"}");
            assertThat(backward(CLOSED, changed)).isEmpty();
            assertThat(forward(CLOSED, changed)).anySatisfy(c -> assertThat(c.message()).contains("'city' removed"));
        }

        @Test
        void addingAConstrainedPropertyToAnOpenContentModelBreaksBackward() {
            String changed = BASE.replace("\"id\": {\"type\": \"integer\"},",
                    "\"id\": {\"type\": \"integer\"}, \"city\": {\"type\": \"string\"},");
            assertThat(backward(BASE, changed)).anySatisfy(c -> {
                assertThat(c.pointer()).isEqualTo("/city");
                assertThat(c.message()).contains("open content model");
            });
            assertThat(forward(BASE, changed)).isEmpty();
        }

        @Test
        void closingTheContentModelBreaksBackward() {
            String changed = BASE.replace("\"required\": [\"id\"],",
                    "\"required\": [\"id\"], \"additionalProperties\": false,");
            assertThat(backward(BASE, changed)).anySatisfy(c -> assertThat(c.message()).contains("content model closed"));
            assertThat(forward(BASE, changed)).isEmpty();
        }

        @Test
        void narrowingATypeBreaksBackwardAndWideningBreaksForward() {
            String narrowed = BASE.replace("\"price\": {\"type\": \"number\"", "\"price\": {\"type\": \"integer\"");
            assertThat(backward(BASE, narrowed)).anySatisfy(c -> {
                assertThat(c.pointer()).isEqualTo("/price");
                assertThat(c.message()).contains("type narrowed");
            });
            assertThat(forward(BASE, narrowed)).isEmpty();
            String widened = BASE.replace("\"id\": {\"type\": \"integer\"}", "\"id\": {\"type\": [\"integer\", \"string\"]}");
            assertThat(backward(BASE, widened)).isEmpty();
            assertThat(forward(BASE, widened)).anySatisfy(c -> assertThat(c.pointer()).isEqualTo("/id"));
        }

        @Test
        void narrowingAnEnumBreaksBackwardAndExtendingItBreaksForward() {
            String narrowed = BASE.replace("[\"active\", \"inactive\"]", "[\"active\"]");
            assertThat(backward(BASE, narrowed)).anySatisfy(c -> {
                assertThat(c.pointer()).isEqualTo("/status");
                assertThat(c.message()).contains("\"inactive\" is no longer allowed");
            });
            assertThat(forward(BASE, narrowed)).isEmpty();
            String extended = BASE.replace("[\"active\", \"inactive\"]", "[\"active\", \"inactive\", \"archived\"]");
            assertThat(backward(BASE, extended)).isEmpty();
            assertThat(forward(BASE, extended)).isNotEmpty();
        }

        @Test
        void tighteningMinimumMaximumOrLengthBreaksBackwardAndLooseningBreaksForward() {
            String tighterMin = BASE.replace("\"minimum\": 0", "\"minimum\": 1");
            assertThat(backward(BASE, tighterMin)).anySatisfy(c -> assertThat(c.message()).contains("minimum tightened"));
            assertThat(forward(BASE, tighterMin)).isEmpty();
            String exclusive = BASE.replace("\"minimum\": 0", "\"exclusiveMinimum\": 0");
            assertThat(backward(BASE, exclusive)).anySatisfy(c -> assertThat(c.message()).contains("minimum tightened"));
            String shorter = BASE.replace("\"maxLength\": 50", "\"maxLength\": 20");
            assertThat(backward(BASE, shorter)).anySatisfy(c -> {
                assertThat(c.pointer()).isEqualTo("/name");
                assertThat(c.message()).contains("maxLength tightened to 20");
            });
            assertThat(forward(BASE, shorter)).isEmpty();
            String maximumAdded = BASE.replace("\"minimum\": 0", "\"minimum\": 0, \"maximum\": 1000");
            assertThat(backward(BASE, maximumAdded)).anySatisfy(c -> assertThat(c.message()).contains("maximum tightened"));
        }

        @Test
        void addingOrChangingAPatternOrFormatBreaksBackward() {
            String pattern = BASE.replace("\"maxLength\": 50", "\"maxLength\": 50, \"pattern\": \"^[A-Z]\"");
            assertThat(backward(BASE, pattern)).anySatisfy(c -> assertThat(c.message()).contains("pattern added or changed"));
            assertThat(forward(BASE, pattern)).isEmpty();
            String format = BASE.replace("\"maxLength\": 50", "\"maxLength\": 50, \"format\": \"email\"");
            assertThat(backward(BASE, format)).anySatisfy(c -> assertThat(c.message()).contains("format added"));
        }

        @Test
        void arrayItemsAreCheckedLikeAnyOtherSchema() {
            String old = "{\"type\": \"array\", \"items\": {\"type\": \"number\"}}";
            assertThat(backward(old, old.replace("number", "integer")))
                    .anySatisfy(c -> assertThat(c.pointer()).isEqualTo("/*"));
            assertThat(backward(old, "{\"type\": \"array\", \"items\": {\"type\": \"number\"}, \"uniqueItems\": true}"))
                    .anySatisfy(c -> assertThat(c.message()).contains("uniqueItems"));
            assertThat(backward(old, "{\"type\": \"array\", \"items\": {\"type\": \"number\"}, \"minItems\": 1}"))
                    .anySatisfy(c -> assertThat(c.message()).contains("minItems"));
        }

        @Test
        void localReferencesAreFollowed() {
            String old = """
                    {"type": "object", "properties": {"address": {"$ref": "#/$defs/address"}},
                     "$defs": {"address": {"type": "object", "properties": {"city": {"type": "string"}}}}}""";
            String changed = old.replace("\"properties\": {\"city\": {\"type\": \"string\"}}",
                    "\"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]");
            assertThat(backward(old, changed)).anySatisfy(c -> {
                assertThat(c.pointer()).isEqualTo("/address/city");
                assertThat(c.message()).contains("became required");
            });
            assertThat(backward(old, old)).isEmpty();
        }

        @Test
        void aKeywordItCannotReasonAboutIsRefusedWhenAddedOrChanged() {
            String changed = BASE.replace("\"required\": [\"id\"],",
                    "\"required\": [\"id\"], \"oneOf\": [{\"required\": [\"name\"]}],");
            assertThat(backward(BASE, changed)).anySatisfy(c -> assertThat(c.message()).contains("'oneOf'"));
            // Only in the narrower schema: it can only shrink what that accepts.
            assertThat(forward(BASE, changed)).isEmpty();
        }

        @Test
        void annotationsNeverBreakAnything() {
            String annotated = BASE.replace("\"type\": \"object\",",
                    "\"type\": \"object\", \"title\": \"Rental\", \"description\": \"d\",");
            assertThat(backward(BASE, annotated)).isEmpty();
            assertThat(forward(BASE, annotated)).isEmpty();
        }
    }

    @Nested
    class Levels {

        private final String v1 = BASE;
        /** v2 adds an optional property to an open model with no constraint: compatible both ways. */
        private final String v2 = BASE.replace("\"id\": {\"type\": \"integer\"},",
                "\"id\": {\"type\": \"integer\"}, \"note\": {},");
        /** v3 makes name required: only forward compatible with v2. */
        private final String v3 = v2.replace("\"required\": [\"id\"]", "\"required\": [\"id\", \"name\"]");
        /** v3 loosening name's length: only backward compatible with v2. */
        private final String looser = v2.replace("\"maxLength\": 50", "\"maxLength\": 500");

        @Test
        void backwardChecksOnlyTheLatestVersion() {
            assertThat(check(CompatibilityLevel.BACKWARD, List.of(v1, v2), looser)).isEmpty();
            assertThat(check(CompatibilityLevel.BACKWARD, List.of(v1, v2), v3)).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.message()).startsWith("backward (data written with version 2)"));
        }

        @Test
        void backwardTransitiveChecksEveryVersion() {
            // Compatible with v2 (latest) but not with v1: name was shorter there... and v1 had no such rule.
            String narrowFromV1 = v2.replace("\"minimum\": 0", "\"minimum\": 0, \"maximum\": 10");
            String relaxedAgain = narrowFromV1.replace(", \"maximum\": 10", ", \"maximum\": 100");
            List<String> history = List.of(v1, narrowFromV1);
            assertThat(check(CompatibilityLevel.BACKWARD, history, relaxedAgain)).isEmpty();
            assertThat(check(CompatibilityLevel.BACKWARD_TRANSITIVE, history, relaxedAgain))
                    .anySatisfy(c -> assertThat(c.message()).contains("version 1").contains("maximum tightened"));
        }

        @Test
        void forwardChecksThatOldReadersCanReadNewData() {
            assertThat(check(CompatibilityLevel.FORWARD, List.of(v1, v2), v3)).isEmpty();
            assertThat(check(CompatibilityLevel.FORWARD, List.of(v1, v2), looser))
                    .anySatisfy(c -> assertThat(c.message()).startsWith("forward (readers of version 2)"));
        }

        @Test
        void forwardTransitiveChecksEveryVersion() {
            String shorter = v1.replace("\"maxLength\": 50", "\"maxLength\": 10");
            String middle = v1.replace("\"maxLength\": 50", "\"maxLength\": 20");
            assertThat(check(CompatibilityLevel.FORWARD, List.of(shorter, v1), middle)).isEmpty();
            assertThat(check(CompatibilityLevel.FORWARD_TRANSITIVE, List.of(shorter, v1), middle))
                    .anySatisfy(c -> assertThat(c.message()).contains("readers of version 1"));
        }

        @Test
        void fullNeedsBothDirections() {
            assertThat(check(CompatibilityLevel.FULL, List.of(v1), v2)).isEmpty();
            assertThat(check(CompatibilityLevel.FULL, List.of(v1, v2), v3)).isNotEmpty();
            assertThat(check(CompatibilityLevel.FULL, List.of(v1, v2), looser)).isNotEmpty();
        }

        @Test
        void fullTransitiveNeedsBothDirectionsWithEveryVersion() {
            String titled = v2.replace("\"type\": \"object\",", "\"type\": \"object\", \"title\": \"t\",");
            assertThat(check(CompatibilityLevel.FULL_TRANSITIVE, List.of(v1, v2), titled)).isEmpty();
            String changedOnlyFromV1 = v2.replace("\"note\": {}", "\"note\": {\"type\": \"string\"}");
            assertThat(check(CompatibilityLevel.FULL, List.of(changedOnlyFromV1), changedOnlyFromV1)).isEmpty();
            assertThat(check(CompatibilityLevel.FULL_TRANSITIVE, List.of(v1, changedOnlyFromV1), changedOnlyFromV1))
                    .isNotEmpty();
        }

        @Test
        void noneAcceptsAnything() {
            assertThat(check(CompatibilityLevel.NONE, List.of(v1), "{\"type\": \"string\"}")).isEmpty();
        }

        @Test
        void theFirstVersionIsAlwaysAccepted() {
            assertThat(check(CompatibilityLevel.FULL_TRANSITIVE, List.of(), v3)).isEmpty();
        }
    }

    @Nested
    class RecursiveSchemas {

        private static final String TREE = """
                {"$ref": "#/$defs/node",
                 "$defs": {"node": {"type": "object", "required": ["value"],
                   "properties": {"value": {"type": "integer"}, "left": {"$ref": "#/$defs/node"},
                                  "right": {"$ref": "#/$defs/node"}}}}}""";

        private static final String LIST = """
                {"$ref": "#/$defs/cell",
                 "$defs": {"cell": {"type": "object", "properties": {"head": {"type": "string"},
                                                                     "tail": {"$ref": "#/$defs/cell"}}}}}""";

        @Test
        void aBinaryTreeComparedWithItselfIsCompatibleAtOnce() {
            // visited naively, every path to depth 64 was compared: 2,097,152 "changes" in 10.7 s
            List<SchemaChange> changes = assertTimeoutPreemptively(Duration.ofSeconds(2),
                    () -> CompatibilityChecker.check(CompatibilityLevel.FULL_TRANSITIVE, List.of(json(TREE)), json(TREE)));
            assertThat(changes).isEmpty();
        }

        @Test
        void aLinkedListGetsASecondVersionAndABreakingOneIsReportedOnce() {
            String widened = LIST.replace("\"head\": {\"type\": \"string\"}", "\"head\": {\"type\": [\"string\", \"null\"]}");
            assertThat(CompatibilityChecker.check(CompatibilityLevel.BACKWARD, List.of(json(LIST)), json(widened)))
                    .isEmpty();
            String narrowed = LIST.replace("\"head\": {\"type\": \"string\"}",
                    "\"head\": {\"type\": \"string\", \"maxLength\": 3}");
            assertThat(CompatibilityChecker.check(CompatibilityLevel.BACKWARD, List.of(json(LIST)), json(narrowed)))
                    .singleElement().satisfies(c -> {
                        assertThat(c.pointer()).isEqualTo("/head");
                        assertThat(c.message()).contains("maxLength");
                    });
        }

        @Test
        void whatIsReportedIsCappedWithACountOfTheRest() {
            StringBuilder old = new StringBuilder("{\"type\": \"object\", \"properties\": {");
            for (int i = 0; i < 200; i++) {
                old.append(i == 0 ? "" : ", ").append("\"p").append(i).append("\": {\"type\": \"string\"}");
            }
            old.append("}}");
            String changed = old.toString().replace("\"type\": \"string\"", "\"type\": \"integer\"");
            List<SchemaChange> changes = backward(old.toString(), changed);
            assertThat(changes).hasSize(SchemaInclusion.MAX_REPORTED + 1);
            assertThat(changes.get(changes.size() - 1).message()).isEqualTo("… and 150 more");
        }
    }

    private static List<SchemaChange> backward(String old, String changed) {
        return SchemaInclusion.whyNotIncluded(json(old), json(changed));
    }

    private static List<SchemaChange> forward(String old, String changed) {
        return SchemaInclusion.whyNotIncluded(json(changed), json(old));
    }

    private static List<SchemaChange> check(CompatibilityLevel level, List<String> earlier, String candidate) {
        return CompatibilityChecker.check(level, earlier.stream().map(CompatibilityCheckerTest::json).toList(),
                json(candidate));
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
