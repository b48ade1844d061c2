package io.eventlake.error;

import java.util.List;

/** The request is malformed: 400, with each violation. */
public class InvalidRequestException extends EventLakeException {

    public InvalidRequestException(String detail, List<Violation> violations) {
        super(detail, violations);
    }

    public InvalidRequestException(Violation violation) {
        this(violation.message(), List.of(violation));
    }

    @Override
    public int status() {
        return 400;
    }

    @Override
    public String title() {
        return "Invalid request";
    }
}
