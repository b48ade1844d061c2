/**
 * Consumer groups: their lag, offset resets and copies with Kafka's strategies and dry runs, refused while a
 * group is active, and the audit of executed changes.
 */
package io.eventlake.offsets;
