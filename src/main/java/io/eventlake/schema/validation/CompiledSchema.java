package io.eventlake.schema.validation;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SpecificationVersion;

import io.eventlake.error.Violation;

/** A schema ready to validate instances; thread-safe and reused for every event of its type. */
public final class CompiledSchema {

    private final Schema schema;
    private final SpecificationVersion dialect;

    CompiledSchema(Schema schema, SpecificationVersion dialect) {
        this.schema = schema;
        this.dialect = dialect;
    }

    /** Every violation of the instance, as JSON pointers into it; empty when it is valid. */
    public List<Violation> validate(JsonNode instance) {
        return JsonSchemaCompiler.toViolations(schema.validate(instance));
    }

    public SpecificationVersion dialect() {
        return dialect;
    }
}
