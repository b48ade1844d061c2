/**
 * Retention per stream ({@code eventlake.lake.stream."<stream>".retention}): a background job that deletes a stream's
 * events once they are older than its retention, in bounded batches, never the latest event of a key.
 */
package io.eventlake.retention;
