package io.eventlake.security;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.eventlake.error.AccessDeniedException;

/**
 * The streams a caller may reach: every stream (a token without a streams claim), or the ones its token
 * lists (a partner's). Refusals name the stream, never the token's contents.
 */
public final class StreamScope {

    private static final StreamScope UNRESTRICTED = new StreamScope(null);

    private final Set<String> streams;

    private StreamScope(Set<String> streams) {
        this.streams = streams;
    }

    public static StreamScope unrestricted() {
        return UNRESTRICTED;
    }

    public static StreamScope only(Collection<String> streams) {
        return new StreamScope(Set.copyOf(streams));
    }

    /** The streams the caller may reach, or empty when it may reach every stream. */
    public Optional<Set<String>> streams() {
        return Optional.ofNullable(streams);
    }

    public boolean permits(String stream) {
        return streams == null || streams.contains(stream);
    }

    /** Refuses (403) a stream outside the scope. */
    public void require(String stream) {
        if (!permits(stream)) {
            throw new AccessDeniedException("This token may not reach stream '" + stream + "'.");
        }
    }

    /** Refuses (403) when any of these streams is outside the scope, naming each. */
    public void requireAll(Collection<String> requested) {
        if (streams == null || requested == null) {
            return;
        }
        TreeSet<String> outside = new TreeSet<>();
        for (String stream : requested) {
            if (stream != null && !streams.contains(stream)) {
                outside.add(stream);
            }
        }
        if (!outside.isEmpty()) {
            throw new AccessDeniedException("This token may not reach "
                    + (outside.size() == 1 ? "stream '" + outside.first() + "'" : "streams " + List.copyOf(outside)) + ".");
        }
    }

    /** Whether every one of these streams is in the scope (for filtering lists). */
    public boolean permitsAll(Collection<String> requested) {
        return streams == null || requested != null && streams.containsAll(requested);
    }

    /**
     * Refuses (403) an operation that spans every stream (dead letters, consumer groups) to a token limited
     * to some streams.
     */
    public void requireUnrestricted(String what) {
        if (streams != null) {
            throw new AccessDeniedException(what + " span every stream; a token limited to some streams may not reach them.");
        }
    }
}
