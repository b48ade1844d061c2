package io.eventlake.error;

import java.util.List;
import java.util.Map;

/** A domain error that becomes a problem response; each subtype fixes its status and title. */
public abstract class EventLakeException extends RuntimeException {

    private final List<Violation> violations;

    protected EventLakeException(String detail, List<Violation> violations) {
        super(detail, null, false, false);
        this.violations = List.copyOf(violations);
    }

    public abstract int status();

    public abstract String title();

    public List<Violation> violations() {
        return violations;
    }

    /** Extension members of the problem body; none by default. */
    public Map<String, Object> extensions() {
        return Map.of();
    }
}
