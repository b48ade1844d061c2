package io.eventlake.offsets;

import java.util.Arrays;
import java.util.Optional;

/** The strategies of {@code kafka-consumer-groups --reset-offsets}, by the same names. */
public enum ResetStrategy {
    TO_EARLIEST("to-earliest", false),
    TO_LATEST("to-latest", false),
    TO_CURRENT("to-current", false),
    /** {@code value}: an ISO-8601 date-time, e.g. 2025-06-12T08:00:00Z. */
    TO_DATETIME("to-datetime", true),
    /** {@code value}: an ISO-8601 duration back from now, e.g. PT30M or P1D. */
    BY_DURATION("by-duration", true),
    /** {@code value}: an offset. */
    TO_OFFSET("to-offset", true),
    /** {@code value}: a signed number of records to move each partition by. */
    SHIFT_BY("shift-by", true);

    private final String option;
    private final boolean needsValue;

    ResetStrategy(String option, boolean needsValue) {
        this.option = option;
        this.needsValue = needsValue;
    }

    /** The name as Kafka's tool spells it, without the leading dashes. */
    public String option() {
        return option;
    }

    public boolean needsValue() {
        return needsValue;
    }

    public static Optional<ResetStrategy> fromOption(String option) {
        return Arrays.stream(values()).filter(s -> s.option.equals(option)).findFirst();
    }
}
