package io.eventlake.config;

/**
 * Compatibility levels with the meaning the well-known registries give them. BACKWARD: consumers using the
 * new schema can read data written with the previous one (every instance valid under the previous version
 * is valid under the new one). FORWARD: consumers using the previous schema can read data written with
 * the new one. FULL: both. The TRANSITIVE variants check every earlier version, not only the latest.
 */
public enum CompatibilityLevel {
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true),
    NONE(false, false, false);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Data written with an earlier version must be valid under the new one. */
    public boolean backward() {
        return backward;
    }

    /** Data written with the new version must be valid under the earlier one. */
    public boolean forward() {
        return forward;
    }

    /** Checked against every earlier version, not only the latest. */
    public boolean transitive() {
        return transitive;
    }
}
