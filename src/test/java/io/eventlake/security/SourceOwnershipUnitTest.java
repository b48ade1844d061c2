package io.eventlake.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.eventlake.error.AccessDeniedException;

class SourceOwnershipUnitTest {

    @Test
    void aPlainSourceIsOwnedExactlyAndIsTheDefault() {
        SourceOwnership sources = new SourceOwnership(List.of("/rentals", "/legacy/*"), "eventlake/http/app");
        assertThat(sources.owns("/rentals")).isTrue();
        assertThat(sources.owns("/rentals/eu")).isFalse();
        assertThat(sources.owns("/legacy/a")).isTrue();
        assertThat(sources.owns("/legacy")).isFalse();
        assertThat(sources.defaultSource()).isEqualTo("/rentals");
    }

    @Test
    void withOnlyPatternsTheDefaultIsTheClientsOwnWhenCoveredElseNone() {
        assertThat(new SourceOwnership(List.of("*"), "eventlake/http/app").defaultSource()).isEqualTo("eventlake/http/app");
        assertThat(new SourceOwnership(List.of("/legacy/*"), "eventlake/http/app").defaultSource()).isNull();
    }

    @Test
    void anotherSourceIsRefusedNamingItAndWhereItIs() {
        SourceOwnership sources = new SourceOwnership(List.of("eventlake/http/billing"), "eventlake/http/billing");
        assertThatThrownBy(() -> sources.require("eventlake/http/rentals", "/2/source"))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("'eventlake/http/rentals'").hasMessageContaining("/2/source");
    }
}
