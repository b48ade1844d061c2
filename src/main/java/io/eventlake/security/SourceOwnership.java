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
    private final String defaultSource;

    /**
     * @param patterns the owned sources
     * @param ownSource the caller's own source ({@code eventlake/http/<client id>}): the default when the patterns
     *        allow it and name no plain source
     */
    public SourceOwnership(List<String> patterns, String ownSource) {
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("a producer owns at least one source");
        }
        this.patterns = List.copyOf(patterns);
        this.defaultSource = patterns.stream().filter(p -> !p.endsWith("*")).findFirst()
                .orElse(owns(ownSource) ? ownSource : null);
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

    /**
     * The source given to an event that names none: the first plain owned source, else the caller's own when a
     * pattern covers it, else null (every event must then name one).
     */
    public String defaultSource() {
        return defaultSource;
    }

    /** Refuses (403) a source the caller does not own. */
    public void require(String source, String pointer) {
        if (!owns(source)) {
            throw new AccessDeniedException("This client may not post events with source '" + source + "' (at "
                    + pointer + "); it posts under " + patterns + ".");
        }
    }
}
