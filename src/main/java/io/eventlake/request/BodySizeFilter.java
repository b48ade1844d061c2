package io.eventlake.request;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.ProblemMapper;

/**
 * Refuses a body above its operation's limit from its {@code Content-Length}, before it is read: events and
 * schemas ({@code POST /events}, {@code /schemas/{type}/versions}, {@code /schemas/{type}/validate}) up to
 * {@code eventlake.http.max-body-bytes}, every other operation up to {@code eventlake.http.max-request-bytes}.
 * A body sent without a length is bounded by {@code quarkus.http.limits.max-body-size}, and events and schemas
 * check their length again once read.
 */
public class BodySizeFilter {

    private final EventLakeConfig config;

    @Inject
    public BodySizeFilter(EventLakeConfig config) {
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true)
    public Response refuseOversizedBody(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return null;
        }
        long bytes;
        try {
            bytes = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return null; // the HTTP layer refuses a malformed length itself
        }
        String path = request.getUriInfo().getPath();
        boolean eventsOrSchemas = "/events".equals(path)
                || path.startsWith("/schemas/") && (path.endsWith("/versions") || path.endsWith("/validate"));
        long limit = eventsOrSchemas ? config.http().maxBodyBytes() : config.http().maxRequestBytes();
        if (bytes <= limit) {
            return null;
        }
        return ProblemMapper.problem(413, "Payload too large", "The body holds " + bytes + " bytes; this operation takes "
                + "at most " + limit + ".", List.of());
    }
}
