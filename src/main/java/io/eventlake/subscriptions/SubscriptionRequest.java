package io.eventlake.subscriptions;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code POST /subscriptions}: a new consumer group ({@code group}) for {@code streams}, starting from
 * {@code start} ({@code snapshot}, {@code earliest}, {@code latest}, or an RFC 3339 datetime). {@code topics}:
 * the clean topics it reads (default: each stream's own topic). {@code takeOver}: accept a group that already
 * committed offsets (it must have no active members).
 */
@RegisterForReflection
public record SubscriptionRequest(String group, List<String> streams, String start, List<String> topics, Boolean takeOver) {
}
