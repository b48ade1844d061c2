package io.eventlake.offsets;

import java.time.Duration;
import java.util.List;

/**
 * Judges a consumer group's status from its recent lag samples, oldest first, the last one being now:
 * <ol>
 * <li>no lag now: {@link GroupStatus#OK};</li>
 * <li>lag and no members now: {@link GroupStatus#STOPPED};</li>
 * <li>once the samples span the whole window: lag now, and the committed offsets the same in every sample:
 * {@link GroupStatus#STALLED};</li>
 * <li>once they span it: the lag grew from each sample to the next, or held, and is higher now than at the start:
 * {@link GroupStatus#WARN};</li>
 * <li>otherwise {@link GroupStatus#OK}.</li>
 * </ol>
 * A window not yet spanned (a group just seen, a service just started) judges only from now, so a group is never
 * called STALLED or WARN on less evidence than the window asks for.
 */
public final class GroupStatusJudge {

    private GroupStatusJudge() {
    }

    public static GroupStatus judge(List<LagSample> samples, Duration window) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no sample to judge");
        }
        LagSample first = samples.get(0);
        LagSample last = samples.get(samples.size() - 1);
        if (last.totalLag() == 0) {
            return GroupStatus.OK;
        }
        if (last.members() == 0) {
            return GroupStatus.STOPPED;
        }
        boolean spansWindow = samples.size() > 1 && !Duration.between(first.at(), last.at()).minus(window).isNegative();
        if (!spansWindow) {
            return GroupStatus.OK;
        }
        if (samples.stream().allMatch(sample -> sample.committed().equals(last.committed()))) {
            return GroupStatus.STALLED;
        }
        for (int i = 1; i < samples.size(); i++) {
            if (samples.get(i).totalLag() < samples.get(i - 1).totalLag()) {
                return GroupStatus.OK;
            }
        }
        return last.totalLag() > first.totalLag() ? GroupStatus.WARN : GroupStatus.OK;
    }
}
