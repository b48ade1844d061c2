/**
 * Pure logic: whether a new JSON Schema version breaks earlier ones at a compatibility level, each breaking change
 * with its pointer.
 */
package io.eventlake.schema.compatibility;
