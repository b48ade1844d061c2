package io.eventlake.ingest;

import com.fasterxml.jackson.databind.JsonNode;

/** One event posted over HTTP, checked and completed (id, source and time filled in when absent). */
public record HttpEvent(String id, String source, String type, String subject, String time,
        String dataContentType, String dataSchema, JsonNode data) {
}
