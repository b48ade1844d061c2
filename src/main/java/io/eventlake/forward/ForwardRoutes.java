package io.eventlake.forward;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.config.TypePattern;
import io.eventlake.event.StreamNaming;

/**
 * Which clean topics an event type goes to: the topics of every configured route whose types match it,
 * else its stream's own topic. A route's type is exact ({@code rental.updated}), a prefix ending in
 * {@code *} ({@code rental.*}), or a regular expression after {@code regex:} (matching the whole type).
 * Pure and cached per type.
 */
public final class ForwardRoutes {

    private record Route(String name, Predicate<String> matches, List<String> topics) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final String topicPrefix;
    private final Map<String, List<String>> byType = new ConcurrentHashMap<>();

    public ForwardRoutes(String topicPrefix, Map<String, EventLakeConfig.Forward.Route> routes) {
        this.topicPrefix = topicPrefix;
        // Sorted by name, so that a type matching several routes gets its topics in a stable order.
        new TreeMap<>(routes).forEach((name, route) -> {
            Predicate<String> matches = route.types().stream().map(TypePattern::matcher).reduce(t -> false, Predicate::or);
            this.routes.add(new Route(name, matches, List.copyOf(route.topics())));
        });
    }

    /** The topics events of this type (in this stream) are forwarded to, without duplicates, in route order. */
    public List<String> topicsOf(String type, String stream) {
        return byType.computeIfAbsent(type, t -> {
            Set<String> topics = new LinkedHashSet<>();
            for (Route route : routes) {
                if (route.matches().test(t)) {
                    topics.addAll(route.topics());
                }
            }
            if (topics.isEmpty()) {
                topics.add(StreamNaming.topicOf(topicPrefix, stream));
            }
            return List.copyOf(topics);
        });
    }

    /** Every topic named by a route. */
    public Set<String> routedTopics() {
        Set<String> topics = new LinkedHashSet<>();
        routes.forEach(route -> topics.addAll(route.topics()));
        return topics;
    }
}
