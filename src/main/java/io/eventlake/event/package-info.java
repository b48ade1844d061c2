/**
 * The event model every feature shares: an event, its idempotency key, its origin, and how types name streams
 * and topics.
 */
package io.eventlake.event;
