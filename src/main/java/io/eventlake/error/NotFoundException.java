package io.eventlake.error;

import java.util.List;

/** What was asked for does not exist: 404. */
public class NotFoundException extends EventLakeException {

    public NotFoundException(String detail) {
        super(detail, List.of());
    }

    @Override
    public int status() {
        return 404;
    }

    @Override
    public String title() {
        return "Not found";
    }
}
