package io.eventlake.schema.validation;

import java.util.List;

import io.eventlake.error.EventLakeException;
import io.eventlake.error.Violation;

/** A schema offered for registration is not valid JSON Schema (or uses what we refuse): 422. */
public class InvalidSchemaException extends EventLakeException {

    public InvalidSchemaException(List<Violation> violations) {
        super("The schema is not valid JSON Schema: " + violations.get(0).message()
                + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : ""), violations);
    }

    @Override
    public int status() {
        return 422;
    }

    @Override
    public String title() {
        return "Invalid schema";
    }
}
