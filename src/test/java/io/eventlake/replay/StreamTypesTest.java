package io.eventlake.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class StreamTypesTest {

    @Test
    void withoutTypesEveryStreamIsReadOnceWithEveryType() {
        assertThat(StreamTypes.of(List.of("rentals", "villas", "rentals"), null))
                .containsExactly(new StreamTypes("rentals", null), new StreamTypes("villas", null));
        assertThat(StreamTypes.of(List.of("rentals"), List.of())).containsExactly(new StreamTypes("rentals", null));
    }

    @Test
    void eachStreamGetsOnlyItsOwnTypesAndAStreamWithoutAnyIsNotRead() {
        assertThat(StreamTypes.of(List.of("rentals", "villas", "offices"),
                List.of("villas.updated", "rentals.created", "villas.deleted", "boats.sunk")))
                .containsExactly(new StreamTypes("rentals", List.of("rentals.created")),
                        new StreamTypes("villas", List.of("villas.updated", "villas.deleted")));
        assertThat(StreamTypes.of(List.of("rentals"), List.of("villas.updated"))).isEmpty();
    }

    @Test
    void aTypeBelongsToTheStreamItsNameIsMadeInto() {
        // Characters a topic cannot hold become '_' in the stream's name (StreamNaming).
        assertThat(StreamTypes.of(List.of("ferien_wohnung"), List.of("ferien wohnung.updated")))
                .containsExactly(new StreamTypes("ferien_wohnung", List.of("ferien wohnung.updated")));
    }
}
