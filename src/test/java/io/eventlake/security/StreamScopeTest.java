package io.eventlake.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.eventlake.error.AccessDeniedException;

class StreamScopeTest {

    @Test
    void anUnrestrictedScopeReachesEveryStream() {
        StreamScope scope = StreamScope.unrestricted();
        assertThat(scope.permits("anything")).isTrue();
        assertThat(scope.streams()).isEmpty();
        scope.requireUnrestricted("Dead letters");
    }

    @Test
    void aPartnersScopeReachesOnlyItsStreamsAndNamesTheOthers() {
        StreamScope scope = StreamScope.only(List.of("rental"));
        assertThat(scope.permits("rental")).isTrue();
        assertThat(scope.permits("booking")).isFalse();
        assertThat(scope.permitsAll(List.of("rental"))).isTrue();
        assertThat(scope.permitsAll(List.of("rental", "booking"))).isFalse();
        assertThatThrownBy(() -> scope.requireAll(List.of("rental", "booking", "invoice")))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessage("This token may not reach streams [booking, invoice].");
        assertThatThrownBy(() -> scope.require("booking")).hasMessage("This token may not reach stream 'booking'.");
        assertThatThrownBy(() -> scope.requireUnrestricted("Consumer groups")).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void claimsAreReadAsArraysOrSpaceSeparatedStrings() {
        assertThat(Caller.strings(List.of("a", "b"))).containsExactly("a", "b");
        assertThat(Caller.strings("a  b c")).containsExactly("a", "b", "c");
        assertThat(Caller.strings("")).isEmpty();
        assertThat(Caller.strings(null)).isEmpty();
    }
}
