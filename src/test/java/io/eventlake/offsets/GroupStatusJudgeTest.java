package io.eventlake.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The Burrow-like rules, one sample series per rule, with a window of 30 s and samples 10 s apart. */
class GroupStatusJudgeTest {

    private static final Duration WINDOW = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final TopicPartition P0 = new TopicPartition("orders", 0);

    @Test
    void caughtUpIsOkWithOrWithoutMembers() {
        assertThat(judge(series(1, new long[] { 5, 5, 5, 5 }, new long[] { 0, 0, 0, 0 }))).isEqualTo(GroupStatus.OK);
        assertThat(judge(series(0, new long[] { 5, 5, 5, 5 }, new long[] { 0, 0, 0, 0 }))).isEqualTo(GroupStatus.OK);
    }

    @Test
    void lagWithoutMembersIsStoppedAtOnce() {
        assertThat(judge(series(0, new long[] { 5 }, new long[] { 3 }))).isEqualTo(GroupStatus.STOPPED);
    }

    @Test
    void membersWhoseCommitsDoNotMoveAcrossTheWindowWhileLaggingAreStalled() {
        assertThat(judge(series(1, new long[] { 5, 5, 5, 5 }, new long[] { 3, 3, 4, 9 }))).isEqualTo(GroupStatus.STALLED);
    }

    @Test
    void unmovedCommitsOverLessThanTheWindowAreNotYetStalled() {
        assertThat(judge(series(1, new long[] { 5, 5, 5 }, new long[] { 3, 3, 3 }))).isEqualTo(GroupStatus.OK);
        assertThat(judge(series(1, new long[] { 5 }, new long[] { 3 }))).isEqualTo(GroupStatus.OK);
    }

    @Test
    void lagGrowingAtEverySampleWhileCommitsMoveIsWarn() {
        assertThat(judge(series(1, new long[] { 5, 6, 7, 8 }, new long[] { 3, 4, 4, 9 }))).isEqualTo(GroupStatus.WARN);
    }

    @Test
    void lagThatFellOnceInTheWindowOrEndsWhereItStartedIsOk() {
        assertThat(judge(series(1, new long[] { 5, 6, 7, 8 }, new long[] { 3, 5, 4, 9 }))).isEqualTo(GroupStatus.OK);
        assertThat(judge(series(1, new long[] { 5, 6, 7, 8 }, new long[] { 3, 3, 3, 3 }))).isEqualTo(GroupStatus.OK);
    }

    @Test
    void noSampleIsAMistake() {
        assertThatThrownBy(() -> GroupStatusJudge.judge(List.of(), WINDOW)).isInstanceOf(IllegalArgumentException.class);
    }

    private static GroupStatus judge(List<LagSample> samples) {
        return GroupStatusJudge.judge(samples, WINDOW);
    }

    /** Samples 10 s apart on one partition, with these committed offsets and lags. */
    private static List<LagSample> series(int members, long[] committed, long[] lag) {
        List<LagSample> samples = new ArrayList<>();
        for (int i = 0; i < committed.length; i++) {
            samples.add(new LagSample(T0.plusSeconds(10L * i), members, Map.of(P0, committed[i]), Map.of(P0, lag[i])));
        }
        return samples;
    }
}
