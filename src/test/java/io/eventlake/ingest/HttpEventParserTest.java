package io.eventlake.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.PayloadTooLargeException;
import io.eventlake.error.Violation;

class HttpEventParserTest {

    private final HttpEventParser parser = new HttpEventParser(3, "eventlake/http/tests");
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void fillsInIdSourceAndTimeWhenAbsent() throws Exception {
        HttpEvent event = parser.parse(json("{\"type\":\"rental.updated\",\"data\":{\"a\":1}}")).get(0);
        assertThat(event.id()).isNotBlank();
        assertThat(event.source()).isEqualTo("eventlake/http/tests");
        assertThat(event.time()).isNotBlank();
        assertThat(event.data().get("a").asInt()).isEqualTo(1);
    }

    @Test
    void keepsGivenAttributes() throws Exception {
        HttpEvent event = parser.parse(json("""
                {"id":"e1","source":"/s","type":"t.x","subject":"K-1","time":"2025-01-01T00:00:00Z"}""")).get(0);
        assertThat(event.id()).isEqualTo("e1");
        assertThat(event.source()).isEqualTo("/s");
        assertThat(event.subject()).isEqualTo("K-1");
        assertThat(event.time()).isEqualTo("2025-01-01T00:00:00Z");
    }

    @Test
    void reportsEveryViolationOfABatchWithItsPointer() {
        assertThatThrownBy(() -> parser.parse(json("[{\"type\":\"\"},{\"type\":\"a\",\"specversion\":\"0.3\"},\"x\"]")))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.violations())
                        .extracting(Violation::pointer).containsExactlyInAnyOrder("/0/type", "/1/specversion", "/2"));
    }

    @Test
    void refusesABatchAboveTheLimit() {
        assertThatThrownBy(() -> parser.parse(json("[{\"type\":\"a\"},{\"type\":\"a\"},{\"type\":\"a\"},{\"type\":\"a\"}]")))
                .isInstanceOf(PayloadTooLargeException.class);
    }

    @Test
    void refusesBase64Data() {
        assertThatThrownBy(() -> parser.parse(json("{\"type\":\"a\",\"data_base64\":\"e30=\"}")))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.violations().get(0).pointer()).isEqualTo("/data_base64"));
    }

    private JsonNode json(String s) throws Exception {
        return mapper.readTree(s);
    }
}
