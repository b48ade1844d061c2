package io.eventlake.lake;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One page of events. {@code next} is the cursor to pass as {@code after} for the following page; it is
 * returned even when the page is empty, so a client can keep polling from where it stands.
 */
@RegisterForReflection
public record EventPage(List<EventView> events, String next, boolean hasMore) {
}
