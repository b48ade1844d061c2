/**
 * What operators watch that spans features: gauges of the service's state read from the database on a schedule
 * (dead letters pending, replay jobs and their progress) and from the features themselves (open readers, the
 * schema LISTEN connection). Depends on the features; none depends on it.
 */
package io.eventlake.observability;
