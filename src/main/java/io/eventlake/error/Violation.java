package io.eventlake.error;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One thing wrong with a request: {@code pointer} is a JSON pointer into the body, {@code parameter} the
 * name of a query or path parameter.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Violation(String pointer, String parameter, String message) {

    public static Violation atPointer(String pointer, String message) {
        return new Violation(pointer, null, message);
    }

    public static Violation atParameter(String parameter, String message) {
        return new Violation(null, parameter, message);
    }

    /** The same place with another message. */
    public Violation withMessage(String text) {
        return new Violation(pointer, parameter, text);
    }
}
