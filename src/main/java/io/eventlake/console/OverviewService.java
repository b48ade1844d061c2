package io.eventlake.console;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.offsets.ConsumerGroupService;
import io.eventlake.replay.ReplayJob;
import io.eventlake.replay.ReplayService;

/** Puts the overview together from the meters' samples and the services the API uses. Blocking: call it off the event loop. */
@ApplicationScoped
public class OverviewService {

    /** The replays the overview lists at most (the newest). */
    static final int REPLAYS_SHOWN = 20;

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    OverviewSampler sampler;

    @Inject
    ConsumerGroupService groups;

    @Inject
    ReplayService replays;

    public Overview overview(Viewer viewer) {
        OverviewSample latest = sampler.latest().orElse(null);
        if (!viewer.operator() || !viewer.unrestricted()) {
            return new Overview(latest, sampler.pendingDeadLetters(), List.of(), List.of());
        }
        List<ReplayJob> unfinished = replays.list(100).await().atMost(WAIT).stream()
                .filter(job -> job.state().active())
                .limit(REPLAYS_SHOWN).toList();
        return new Overview(latest, sampler.pendingDeadLetters(), groups.list(), unfinished);
    }

    public List<OverviewSample> series() {
        return sampler.samples();
    }
}
