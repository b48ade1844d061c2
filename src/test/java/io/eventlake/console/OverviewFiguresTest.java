package io.eventlake.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.eventlake.security.Roles;
import io.eventlake.testing.KafkaBrokerResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The overview's figures as the console renders them (its Qute template), for a sample interval with latencies and
 * for one in which nothing was forwarded: the page shows a dash rather than failing.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class OverviewFiguresTest {

    private static final Viewer OPERATOR = new Viewer("olivia", Set.of(Roles.OPERATOR, Roles.READER), true);

    @Test
    void theLatencyOfAnIntervalIsShownInMilliseconds() {
        String page = render(new OverviewSample(1_700_000_000L, 10, 0, 0, 12.34, 56.78));
        assertThat(page).containsPattern("data-testid=\"latency\">12\\.3 / 56\\.8<");
    }

    @Test
    void anIntervalInWhichNothingWasForwardedShowsADash() {
        // It answered 500: the template called the milliseconds format on a null latency.
        String page = render(new OverviewSample(1_700_000_000L, 0, 0, 0, null, null));
        assertThat(page).contains("data-testid=\"latency\">–<");
    }

    private static String render(OverviewSample latest) {
        return ConsoleResource.Templates.overview$figures(OPERATOR, new Overview(latest, 0, List.of(), List.of())).render();
    }
}
