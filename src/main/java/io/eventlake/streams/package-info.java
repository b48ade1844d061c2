/**
 * The streams API: the current state of every key, a stream's snapshot and its events as NDJSON or server-sent
 * events, pulled from the lake as the client reads.
 */
package io.eventlake.streams;
