/**
 * The latest-per-key view (updated with every stored batch, ordered by key order rules) and history compaction
 * runs (REST, service, repository) that keep the latest event of each key after an age.
 */
package io.eventlake.compaction;
