/**
 * Reading a Kafka record into an event, shared by ingest and the dead-letter redrive: the incoming record, the
 * envelope extraction (CloudEvents structured and binary, plain JSON), rejection codes, and the judge that applies
 * compaction rules and the schema.
 */
package io.eventlake.envelope;
