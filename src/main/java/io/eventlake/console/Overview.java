package io.eventlake.console;

import java.util.List;

import io.eventlake.offsets.ConsumerGroupViews.GroupSummary;
import io.eventlake.replay.ReplayJob;

/**
 * The overview page's figures: the last sample interval's rates and latency (null before the first sample), the
 * dead letters waiting, and, for an operator, every consumer group with its lag and status and the replays
 * that are not over.
 */
public record Overview(OverviewSample latest, long pendingDeadLetters, List<GroupSummary> groups, List<ReplayJob> replays) {
}
