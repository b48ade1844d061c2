/**
 * Replay jobs: republishing history or the current snapshot from the lake to a topic at a pace, with progress,
 * cancel and a restart that resumes where the job stood.
 */
package io.eventlake.replay;
