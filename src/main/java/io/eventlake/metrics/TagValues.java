package io.eventlake.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

/**
 * The values one meter tag may take when they come from names the service does not control (streams chosen by
 * producers, target topics chosen by operators): names known from the configuration always, the first
 * {@code limit} others as they come, everything after them as {@value #OTHER}. Keeps the metric registry, and
 * what Prometheus stores, bounded however many names appear.
 */
final class TagValues {

    static final String OTHER = "other";

    private static final Logger LOG = Logger.getLogger(TagValues.class);

    private final String tag;
    private final Set<String> configured;
    private final int limit;
    private final Set<String> named = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean full = new AtomicBoolean();

    TagValues(String tag, Set<String> configured, int limit) {
        this.tag = tag;
        this.configured = Set.copyOf(configured);
        this.limit = limit;
    }

    /** The tag value for this name: the name itself, or {@value #OTHER} once the limit is reached. */
    String of(String name) {
        if (configured.contains(name) || named.contains(name)) {
            return name;
        }
        synchronized (named) {
            if (named.size() < limit) {
                named.add(name);
                return name;
            }
        }
        if (full.compareAndSet(false, true)) {
            LOG.warnf("EL1001 the meter tag %s has %d names of its own (eventlake.metrics.max-tag-values); %s and "
                    + "every later name are counted as %s", tag, limit, name, OTHER);
        }
        return OTHER;
    }
}
