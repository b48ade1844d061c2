package io.eventlake.schema.compatibility;

/**
 * One way a schema change breaks compatibility: where (a JSON pointer into the schema being checked
 * against) and what an instance could do that is no longer allowed.
 */
public record SchemaChange(String pointer, String message) {
}
