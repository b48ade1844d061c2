/**
 * The ingest pipeline: the Kafka consumer, storing each batch with its dead letters, forwarding it, and HTTP
 * ingest ({@code POST /events}) that takes the same path.
 */
package io.eventlake.ingest;
