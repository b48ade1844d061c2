package io.eventlake.config;

import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The event-type patterns settings use (routes' {@code types}): an exact type, a prefix ending in {@code *}, or
 * {@code regex:} followed by a regular expression that must match the whole type.
 */
public final class TypePattern {

    private TypePattern() {
    }

    /** A pattern's matcher; throws {@link java.util.regex.PatternSyntaxException} for an invalid regular expression. */
    public static Predicate<String> matcher(String pattern) {
        if (pattern.startsWith("regex:")) {
            Pattern regex = Pattern.compile(pattern.substring("regex:".length()));
            return type -> regex.matcher(type).matches();
        }
        if (pattern.endsWith("*")) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            return type -> type.startsWith(prefix);
        }
        return pattern::equals;
    }
}
