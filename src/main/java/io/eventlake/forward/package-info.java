/**
 * Forwarding: routes from types to clean topics, the topics themselves (created or checked), the producer that
 * sends stored events in order per key, and how far each ingest partition was forwarded.
 */
package io.eventlake.forward;
