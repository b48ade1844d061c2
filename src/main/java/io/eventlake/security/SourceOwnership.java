package io.eventlake.security;

import java.util.List;

import io.eventlake.error.AccessDeniedException;

/**
 * The event sources a producer may post under over HTTP, so that nobody can post under another producer's
 * {@code source} and have the real events dropped as duplicates of theirs (the idempotency key is
 * {@code source} + {@code id}). Each pattern is a source, or a prefix ending in {@code *}.
 */
public final class SourceOwnership {

    private final List<String> patterns;

    /** @param patterns the owned sources; the first one without a {@code *} is the default source */
    public SourceOwnership(List<String> patterns) {
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("a producer owns at least one source");
        }
        this.patterns = List.copyOf(patterns);
    }

    public boolean owns(String source) {
        for (String pattern : patterns) {
            if (pattern.endsWith("*") ? source.startsWith(pattern.substring(0, pattern.length() - 1))
                    : source.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** The source given to an event that names none, or null when every owned source is a pattern. */
    public String defaultSource() {
        return patterns.stream().filter(p -> !p.endsWith("*")).findFirst().orElse(null);
    }

    /** Refuses (403) a source the caller does not own. */
    public void require(String source, String pointer) {
        if (!owns(source)) {
            throw new AccessDeniedException("This client may not post events with source '" + source + "' (at "
                    + pointer + "); it posts under " + patterns + ".");
        }
    }
}
