package io.eventlake.replay;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code POST /replays}: what to replay ({@code source} history or snapshot; {@code streams}, optionally
 * {@code types}, {@code keys} and an event-time range {@code from}/{@code to}), where ({@code targetTopic}),
 * and at which pace ({@code eventsPerSecond}, or {@code spreadOver} an ISO-8601 duration; neither: as fast as
 * it goes).
 */
@RegisterForReflection
public record ReplayRequest(
        String source,
        List<String> streams,
        List<String> types,
        List<String> keys,
        String from,
        String to,
        String targetTopic,
        Double eventsPerSecond,
        String spreadOver) {
}
