package io.eventlake.error;

import java.util.List;

/** The service is too busy for the request right now, and says when to try again: 503 with {@code Retry-After}. */
public class UnavailableException extends EventLakeException {

    private final int retryAfterSeconds;

    public UnavailableException(String detail, int retryAfterSeconds) {
        super(detail, List.of());
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    @Override
    public int status() {
        return 503;
    }

    @Override
    public String title() {
        return "Service Unavailable";
    }
}
