/**
 * The schema registry: versions and compatibility levels per event type (REST, service, repository), the in-memory
 * cache kept current across instances by LISTEN/NOTIFY, and the validation of every event against its type's schema.
 */
package io.eventlake.schema;
