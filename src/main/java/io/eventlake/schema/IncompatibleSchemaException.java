package io.eventlake.schema;

import java.util.List;

import io.eventlake.config.CompatibilityLevel;
import io.eventlake.error.EventLakeException;
import io.eventlake.error.Violation;

/** A new schema version breaks the type's compatibility level: 409, with every breaking change. */
public class IncompatibleSchemaException extends EventLakeException {

    public IncompatibleSchemaException(String type, CompatibilityLevel level, List<Violation> breaks) {
        super("The schema is not " + level + " compatible with the registered versions of '" + type + "': "
                + breaks.size() + " breaking change" + (breaks.size() == 1 ? "" : "s") + ".", breaks);
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String title() {
        return "Incompatible schema";
    }
}
