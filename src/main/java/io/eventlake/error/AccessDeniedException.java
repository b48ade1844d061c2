package io.eventlake.error;

import java.util.List;

/** 403: the caller is known but may not do this (a stream outside its scope, a source it does not own). */
public class AccessDeniedException extends EventLakeException {

    public AccessDeniedException(String detail) {
        super(detail, List.of());
    }

    @Override
    public int status() {
        return 403;
    }

    @Override
    public String title() {
        return "Forbidden";
    }
}
