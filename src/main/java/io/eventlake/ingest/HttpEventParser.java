package io.eventlake.ingest;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.PayloadTooLargeException;
import io.eventlake.error.Violation;
import io.eventlake.request.RequestValues;

/**
 * Checks the body of {@code POST /events}: one CloudEvent as a JSON object, or a batch as an array of
 * them. Every problem is reported at once, each with the JSON pointer of the field at fault.
 */
public final class HttpEventParser {

    private static final Set<String> STRING_ATTRIBUTES = Set.of("id", "source", "type", "subject", "time",
            "datacontenttype", "dataschema", "specversion");

    private final int maxBatchSize;
    private final String defaultSource;

    /**
     * @param defaultSource the source of an event that names none (the caller's own), or null when every
     *        event must name one
     */
    public HttpEventParser(int maxBatchSize, String defaultSource) {
        this.maxBatchSize = maxBatchSize;
        this.defaultSource = defaultSource;
    }

    public List<HttpEvent> parse(JsonNode body) {
        if (body == null || body.isMissingNode() || body.isNull()) {
            throw new InvalidRequestException(Violation.atPointer("", "the body must be a CloudEvent or an array of them"));
        }
        if (body.isArray()) {
            if (body.isEmpty()) {
                throw new InvalidRequestException(Violation.atPointer("", "the batch is empty"));
            }
            if (body.size() > maxBatchSize) {
                throw new PayloadTooLargeException("A batch holds at most " + maxBatchSize + " events; this one holds "
                        + body.size() + ".");
            }
            List<HttpEvent> events = new ArrayList<>(body.size());
            List<Violation> violations = new ArrayList<>();
            for (int i = 0; i < body.size(); i++) {
                HttpEvent event = parseOne(body.get(i), "/" + i, violations);
                events.add(event);
            }
            failIfAny(violations);
            return events;
        }
        List<Violation> violations = new ArrayList<>();
        HttpEvent event = parseOne(body, "", violations);
        failIfAny(violations);
        return List.of(event);
    }

    private HttpEvent parseOne(JsonNode node, String at, List<Violation> violations) {
        if (!node.isObject()) {
            violations.add(Violation.atPointer(at, "an event must be a JSON object"));
            return null;
        }
        for (String name : STRING_ATTRIBUTES) {
            JsonNode value = node.get(name);
            if (value != null && !value.isNull() && (!value.isTextual() || value.asText().isBlank())) {
                violations.add(Violation.atPointer(at + "/" + name, "must be a non-empty string"));
            }
        }
        String type = text(node, "type");
        if (type == null && !node.hasNonNull("type")) {
            violations.add(Violation.atPointer(at + "/type", "is required"));
        }
        String specVersion = text(node, "specversion");
        if (specVersion != null && !specVersion.equals("1.0")) {
            violations.add(Violation.atPointer(at + "/specversion", "only CloudEvents 1.0 is supported"));
        }
        String time = text(node, "time");
        RequestValues.time(Violation.atPointer(at + "/time", ""), time, violations);
        if (node.has("data_base64")) {
            violations.add(Violation.atPointer(at + "/data_base64", "the lake stores JSON data: use 'data'"));
        }
        String id = text(node, "id");
        String source = text(node, "source");
        if (source == null && defaultSource == null) {
            violations.add(Violation.atPointer(at + "/source", "is required: this client owns no single default source"));
        }
        return new HttpEvent(
                id != null ? id : UUID.randomUUID().toString(),
                source != null ? source : defaultSource,
                type,
                text(node, "subject"),
                time != null ? time : OffsetDateTime.now(ZoneOffset.UTC).toString(),
                text(node, "datacontenttype"),
                text(node, "dataschema"),
                node.get("data"));
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static void failIfAny(List<Violation> violations) {
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations.size() == 1 ? violations.get(0).message()
                    : violations.size() + " problems in the events", violations);
        }
    }
}
