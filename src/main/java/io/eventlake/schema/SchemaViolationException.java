package io.eventlake.schema;

import java.util.List;

import io.eventlake.error.EventLakeException;
import io.eventlake.error.Violation;

/** Events offered over HTTP break their type's schema (or have a type the stream rejects): 422. */
public class SchemaViolationException extends EventLakeException {

    public SchemaViolationException(List<Violation> violations) {
        super(violations.size() + " schema violation" + (violations.size() == 1 ? "" : "s")
                + "; nothing was ingested.", violations);
    }

    @Override
    public int status() {
        return 422;
    }

    @Override
    public String title() {
        return "Schema violation";
    }
}
