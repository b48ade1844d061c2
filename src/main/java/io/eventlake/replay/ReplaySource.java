package io.eventlake.replay;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a replay job sends: every event in lake order, or the latest event of every live key in key order. */
public enum ReplaySource {
    HISTORY("history"),
    SNAPSHOT("snapshot");

    private final String value;

    ReplaySource(String value) {
        this.value = value;
    }

    /** As requests name it and as it is stored. */
    @JsonValue
    public String value() {
        return value;
    }

    public static Optional<ReplaySource> of(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }
}
