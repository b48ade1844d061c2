package io.eventlake.messaging;

/** Reactive Messaging channel names. Topics are configured per channel in application.properties. */
public final class Channels {

    /** Every topic matching the ingest pattern, consumed in batches. */
    public static final String INGEST = "ingest";

    /** Copies of dead letters, with their reason in headers. */
    public static final String DEAD_LETTERS = "dead-letters";

    /** Events posted over HTTP, published to the HTTP ingest topic. */
    public static final String HTTP_INGEST = "http-ingest";

    private Channels() {
    }
}
