/**
 * Subscriptions: a new consumer group on streams from a start point, with the history Kafka no longer holds
 * backfilled from the lake.
 */
package io.eventlake.subscriptions;
