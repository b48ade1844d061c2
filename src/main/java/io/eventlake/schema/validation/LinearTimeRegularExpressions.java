package io.eventlake.schema.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import com.networknt.schema.regex.RegularExpressions;

import io.eventlake.error.Violation;

/**
 * The validator's regular expressions ({@code pattern}, {@code patternProperties}), run by RE2/J: in time linear
 * in the input, whatever the pattern, so that one event's validation time is bounded. {@code java.util.regex}
 * backtracks: {@code ^(a+)+\1$} against 28 {@code a}s and a {@code !} took over 10 s. The price: what needs
 * backtracking (backreferences, lookahead and lookbehind) cannot be registered; {@link #problemsOf} says which.
 */
final class LinearTimeRegularExpressions implements RegularExpressionFactory {

    static final LinearTimeRegularExpressions INSTANCE = new LinearTimeRegularExpressions();

    /** Keywords whose values are data, not schemas: a "pattern" inside them is not a regular expression. */
    private static final Set<String> DATA_KEYWORDS = Set.of("const", "enum", "default", "examples");

    private LinearTimeRegularExpressions() {
    }

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = compile(regex);
        // JSON Schema patterns are not anchored: a match anywhere in the string counts.
        return value -> pattern.matcher(value).find();
    }

    /** ECMA-262 as the validator reads it ({@code $} at the very end, {@code \p{Letter}}), compiled by RE2/J. */
    private static Pattern compile(String regex) {
        return Pattern.compile(
                RegularExpressions.replaceLongformCharacterProperties(RegularExpressions.replaceDollarAnchors(regex)));
    }

    /** Every {@code pattern} and {@code patternProperties} key of the schema that RE2/J cannot run, at its pointer. */
    static List<Violation> problemsOf(JsonNode node, String pointer) {
        List<Violation> problems = new ArrayList<>();
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String at = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                JsonNode value = field.getValue();
                if ("pattern".equals(field.getKey()) && value.isTextual()) {
                    check(value.asText(), at, problems);
                } else if ("patternProperties".equals(field.getKey()) && value.isObject()) {
                    value.fieldNames().forEachRemaining(regex -> check(regex, at, problems));
                    problems.addAll(problemsOf(value, at));
                } else if (!DATA_KEYWORDS.contains(field.getKey())) {
                    problems.addAll(problemsOf(value, at));
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                problems.addAll(problemsOf(node.get(i), pointer + "/" + i));
            }
        }
        return problems;
    }

    private static void check(String regex, String at, List<Violation> problems) {
        try {
            compile(regex);
        } catch (PatternSyntaxException e) {
            problems.add(Violation.atPointer(at, "the pattern '" + regex + "' cannot be run in linear time ("
                    + e.getDescription() + "): patterns run with RE2, which has no backreferences, lookahead or "
                    + "lookbehind, so that validating an event takes bounded time"));
        }
    }
}
