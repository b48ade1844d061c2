package io.eventlake.console;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.deadletter.DeadLetterViews.DeadLetterDetail;

/**
 * A dead letter as its page shows it: the detail the API returns, with its headers and violations read out of
 * their JSON so the page can list them (name and value; pointer and message).
 */
public record DeadLetterInspection(DeadLetterDetail detail, List<Line> headers, List<Line> violations) {

    /** A pair the page shows in two columns. */
    public record Line(String first, String second) {
    }

    static DeadLetterInspection of(DeadLetterDetail detail, ObjectMapper mapper) {
        return new DeadLetterInspection(detail, lines(detail.headers(), "name", "value", mapper),
                lines(detail.violations(), "pointer", "message", mapper));
    }

    /** Whether an operator can still act on it (redrive or discard). */
    public boolean open() {
        return switch (detail.summary().status()) {
            case PENDING, REDRIVING -> true;
            case REDRIVEN, DISCARDED -> false;
        };
    }

    private static List<Line> lines(String json, String first, String second, ObjectMapper mapper) {
        List<Line> lines = new ArrayList<>();
        if (json == null || json.isBlank()) {
            return lines;
        }
        try {
            for (JsonNode element : mapper.readTree(json)) {
                lines.add(new Line(element.path(first).asText(""), element.path(second).asText("")));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // stored by the service itself as JSON; should it ever not be, the page shows it as one line
            lines.add(new Line("", json));
        }
        return lines;
    }
}
