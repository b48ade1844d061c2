/**
 * Dead letters: storing records that could not become events, copying them to the dead-letter topic, and the
 * REST API to list, inspect, redrive and discard them.
 */
package io.eventlake.deadletter;
