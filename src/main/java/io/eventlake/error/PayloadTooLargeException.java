package io.eventlake.error;

import java.util.List;

/** The request body or batch is above the configured limit: 413. */
public class PayloadTooLargeException extends EventLakeException {

    public PayloadTooLargeException(String detail) {
        super(detail, List.of());
    }

    @Override
    public int status() {
        return 413;
    }

    @Override
    public String title() {
        return "Payload too large";
    }
}
