package io.eventlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

class WaitingPollsTest {

    @Test
    void pollsThatArriveWhileAStoreRunsAreTakenTogetherInPollOrderWhenItEnds() {
        WaitingPolls<String> waiting = new WaitingPolls<>(1000);
        waiting.add("poll-1", 10);
        assertThat(waiting.takeIfIdle()).containsExactly("poll-1");

        waiting.add("poll-2", 5);
        waiting.add("poll-3", 7);
        waiting.add("poll-4", 1);
        assertThat(waiting.takeIfIdle()).as("a store runs: nothing more is taken").isEmpty();
        assertThat(waiting.waitingRecords()).isEqualTo(13);

        waiting.storeEnded();
        assertThat(waiting.takeIfIdle()).containsExactly("poll-2", "poll-3", "poll-4");
        assertThat(waiting.waitingRecords()).isZero();
        waiting.storeEnded();
        assertThat(waiting.takeIfIdle()).as("none waits").isEmpty();
    }

    @Test
    void aStoreMergesUpToTheLimitOfRecordsButAlwaysTakesOnePollEvenALargerOne() {
        WaitingPolls<String> waiting = new WaitingPolls<>(100);
        waiting.add("large", 150);
        waiting.add("a", 60);
        waiting.add("b", 40);
        waiting.add("c", 1);

        assertThat(waiting.takeIfIdle()).containsExactly("large");
        waiting.storeEnded();
        assertThat(waiting.takeIfIdle()).as("60 + 40 is the limit; c waits for the next store").containsExactly("a", "b");
        waiting.storeEnded();
        assertThat(waiting.takeIfIdle()).containsExactly("c");
    }

    @Test
    void theConsumerHandsOverItsNextPollAtOnceOnlyWhileFewerRecordsThanTheLimitWait() {
        WaitingPolls<String> waiting = new WaitingPolls<>(100);
        waiting.add("running", 10);
        waiting.takeIfIdle();

        assertThat(waiting.add("a", 60)).as("60 wait").isDone();
        CompletableFuture<Void> full = waiting.add("b", 40);
        assertThat(full).as("100 wait: the next poll waits until b is taken").isNotDone();

        waiting.storeEnded();
        assertThat(waiting.takeIfIdle()).containsExactly("a", "b");
        assertThat(full).isCompleted();
    }

    @Test
    void aStoreThatFailedForGoodRefusesWhatWaitsAndEveryLaterPoll() {
        WaitingPolls<String> waiting = new WaitingPolls<>(10);
        waiting.add("running", 1);
        waiting.takeIfIdle();
        CompletableFuture<Void> blocked = waiting.add("a", 20);
        IllegalStateException failure = new IllegalStateException("database gone");

        assertThat(waiting.stop(failure)).containsExactly("a");
        assertThat(blocked).isCompletedExceptionally();
        assertThatThrownBy(() -> waiting.add("b", 1).get()).isInstanceOf(ExecutionException.class).hasCause(failure);
        waiting.storeEnded();
        assertThat(waiting.takeIfIdle()).isEmpty();
        assertThat(waiting.waitingRecords()).isZero();
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new WaitingPolls<String>(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new WaitingPolls<String>(1).takeIfIdle()).isEqualTo(List.of());
    }
}
