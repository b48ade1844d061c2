package io.eventlake.error;

import java.util.List;

/** The request conflicts with the current state: 409. */
public class ConflictException extends EventLakeException {

    public ConflictException(String detail) {
        super(detail, List.of());
    }

    @Override
    public int status() {
        return 409;
    }

    @Override
    public String title() {
        return "Conflict";
    }
}
