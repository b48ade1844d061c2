package io.eventlake.event;

/** The idempotency key of an event: CloudEvents' {@code source} + {@code id}. */
public record EventKey(String source, String id) {

    public static EventKey of(Event event) {
        return new EventKey(event.source(), event.id());
    }
}
