package io.eventlake.ingest;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.PayloadTooLargeException;
import io.eventlake.error.Violation;
import io.eventlake.lake.EventPage;
import io.eventlake.lake.EventQuery;
import io.eventlake.lake.EventView;
import io.eventlake.lake.LakeQueryService;
import io.eventlake.request.QueryParameters;
import io.eventlake.security.Caller;
import io.eventlake.security.Roles;
import io.eventlake.security.SourceOwnership;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/** {@code /events}: post events over HTTP, and read the lake page by page. */
@Path("/events")
@Tag(name = "Events")
public class EventResource {

    @Inject
    HttpIngestService httpIngest;

    @Inject
    LakeQueryService lake;

    @Inject
    EventLakeConfig config;

    @Inject
    ObjectMapper mapper;

    @Inject
    Caller caller;

    /** The accepted events, by their idempotency key. */
    @RegisterForReflection
    public record Accepted(List<AcceptedEvent> accepted) {
    }

    @RegisterForReflection
    public record AcceptedEvent(String id, String source, String type, String subject) {
    }

    @RolesAllowed(Roles.PRODUCER)
    @POST
    @Consumes({ MediaType.APPLICATION_JSON, "application/cloudevents+json", "application/cloudevents-batch+json" })
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ingest one CloudEvent (a JSON object) or a batch (an array)", description = "Answers 202 once "
            + "the events are durable in the HTTP ingest topic; they then go through the same pipeline as every "
            + "Kafka event (stored once, forwarded once). Give each event an id to make retries idempotent.")
    @APIResponse(responseCode = "202", description = "Durable and on its way to the lake")
    @APIResponse(responseCode = "400", description = "Not JSON, or an event is malformed (problem+json lists each field)")
    @APIResponse(responseCode = "403", description = "The caller lacks the producer role, or an event names a source the caller does not own")
    @APIResponse(responseCode = "413", description = "Body or batch above the configured limit")
    @APIResponse(responseCode = "422", description = "An event does not match its type's schema, or its type is unknown "
            + "where unknown types are rejected; every violation listed as {pointer, message}")
    public Uni<Response> post(byte[] body) {
        if (body.length > config.http().maxBodyBytes()) {
            throw new PayloadTooLargeException("The body holds " + body.length + " bytes; the limit is "
                    + config.http().maxBodyBytes() + ".");
        }
        JsonNode json = readJson(body);
        SourceOwnership sources = caller.sources();
        List<HttpEvent> events = new HttpEventParser(config.http().maxBatchSize(), sources.defaultSource()).parse(json);
        for (int i = 0; i < events.size(); i++) {
            sources.require(events.get(i).source(), (json.isArray() ? "/" + i : "") + "/source");
        }
        return publish(events, json.isArray());
    }

    private Uni<Response> publish(List<HttpEvent> events, boolean batch) {
        List<AcceptedEvent> accepted = events.stream()
                .map(e -> new AcceptedEvent(e.id(), e.source(), e.type(), e.subject())).toList();
        return httpIngest.ingest(events, batch).map(x -> {
            Response.ResponseBuilder response = Response.accepted(new Accepted(accepted));
            if (accepted.size() == 1) {
                AcceptedEvent only = accepted.get(0);
                response.location(UriBuilder.fromPath("/events/{id}").queryParam("source", only.source())
                        .build(only.id()));
            }
            return response.build();
        });
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Page through the lake in arrival order, optionally filtered by type, key and event time")
    @APIResponse(responseCode = "200", description = "A page; pass its 'next' cursor as 'after' for the following one")
    @APIResponse(responseCode = "400", description = "A parameter is malformed")
    public Uni<EventPage> list(
            @Parameter(description = "Only events of this type") @QueryParam("type") String type,
            @Parameter(description = "Only events with this key (CloudEvents subject)") @QueryParam("key") String key,
            @Parameter(description = "Only events whose time is at or after this RFC 3339 instant") @QueryParam("from") String from,
            @Parameter(description = "Only events whose time is before this RFC 3339 instant") @QueryParam("to") String to,
            @Parameter(description = "Cursor from a previous page") @QueryParam("after") String after,
            @Parameter(description = "Page size (default 100, at most 1000)") @QueryParam("limit") String limit) {
        OffsetDateTime fromTime = QueryParameters.time("from", from);
        OffsetDateTime toTime = QueryParameters.time("to", to);
        if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
            throw new InvalidRequestException(Violation.atParameter("to", "must be after 'from'"));
        }
        EventQuery query = new EventQuery(QueryParameters.optional(type), QueryParameters.optional(key), fromTime, toTime,
                caller.streams().streams().orElse(null), QueryParameters.cursor(after),
                QueryParameters.pageSize(limit, config.http().defaultPageSize(), config.http().maxPageSize()));
        return lake.page(query);
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One event by its id (and source, when several sources used the same id)")
    @APIResponse(responseCode = "200", description = "The event")
    @APIResponse(responseCode = "404", description = "No such event")
    @APIResponse(responseCode = "409", description = "Several sources used this id; pass 'source'")
    public Uni<EventView> get(@PathParam("id") String id, @QueryParam("source") String source) {
        // A partner's token finds only the events of its streams: another stream's event is not found.
        return lake.byId(id, QueryParameters.optional(source), caller.streams().streams().orElse(null));
    }

    private JsonNode readJson(byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(Violation.atPointer("", "the body is not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidRequestException(Violation.atPointer("", "the body could not be read"));
        }
    }

}
