package io.eventlake.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

import org.junit.jupiter.api.Test;

import io.eventlake.config.EventLakeConfig;

class ForwardRoutesTest {

    record Route(List<String> types, List<String> topics) implements EventLakeConfig.Forward.Route {
    }

    private final ForwardRoutes routes = new ForwardRoutes("clean.", Map.of(
            "a-exact", new Route(List.of("rental.created"), List.of("rental.new")),
            "b-prefix", new Route(List.of("rental.*"), List.of("rental.all", "rental.new")),
            "c-regex", new Route(List.of("regex:(car|bike)\\.(created|deleted)"), List.of("vehicles"))));

    @Test
    void anExactTypeAPrefixAndARegexEachRouteWithoutDuplicateTopics() {
        assertThat(routes.topicsOf("rental.created", "rental")).containsExactly("rental.new", "rental.all");
        assertThat(routes.topicsOf("rental.updated", "rental")).containsExactly("rental.all", "rental.new");
        assertThat(routes.topicsOf("car.deleted", "car")).containsExactly("vehicles");
    }

    @Test
    void aRegexMatchesTheWholeTypeAndAnUnmatchedTypeGoesToItsStreamTopic() {
        assertThat(routes.topicsOf("car.updated", "car")).containsExactly("clean.car");
        assertThat(routes.topicsOf("xcar.created", "xcar")).containsExactly("clean.xcar");
        assertThat(routes.routedTopics()).containsExactlyInAnyOrder("rental.new", "rental.all", "vehicles");
    }

    @Test
    void anInvalidRegexIsRefused() {
        assertThatThrownBy(() -> io.eventlake.config.TypePattern.matcher("regex:(")).isInstanceOf(PatternSyntaxException.class);
    }
}
