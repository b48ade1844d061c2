package io.eventlake.streams;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.Violation;
import io.eventlake.event.StreamNaming;
import io.eventlake.request.QueryParameters;
import io.eventlake.security.Caller;
import io.eventlake.security.Roles;
import io.eventlake.security.StreamScope;
import io.eventlake.streams.StreamViews.KeyState;
import io.eventlake.streams.StreamViews.StreamList;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The current state of every stream: the latest event of each key, as a consumer's projection would hold it. */
@Path("/streams")
@Tag(name = "Streams", description = "The latest state of every key (the compacted view)")
@RolesAllowed(Roles.READER)
public class StreamResource {

    static final String NDJSON = "application/x-ndjson";

    @Inject
    StreamService streams;

    @Inject
    NdjsonPages ndjson;

    @Inject
    Caller caller;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every stream with its number of live and deleted keys")
    public Uni<StreamList> streams() {
        StreamScope scope = caller.streams();
        return streams.streams(scope::permits).map(StreamList::new);
    }

    @GET
    @Path("/{stream}/keys/{key}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The current state of one key: its latest event")
    @APIResponse(responseCode = "200", description = "The key's latest event")
    @APIResponse(responseCode = "404", description = "The key was never seen, or its latest event is a delete")
    public Uni<KeyState> key(@PathParam("stream") String stream, @PathParam("key") String key) {
        caller.streams().require(stream);
        return streams.key(stream, key);
    }

    @GET
    @Path("/{stream}/events")
    @Produces(NDJSON)
    @Operation(summary = "A stream's events in lake order after a cursor, as NDJSON (or server-sent events with Accept: text/event-stream)", description = "Replaces 'everything updated since T' polling. Each event carries its cursor; resume with after=<cursor>. With follow=true the stream catches up, then stays open and sends new events as they arrive. Pulled from the lake as the client reads: memory stays bounded however long the stream and however slow the client.")
    @APIResponse(responseCode = "200", description = "One event per line", content = @Content(mediaType = NDJSON, schema = @Schema(implementation = StreamEvent.class)))
    @APIResponse(responseCode = "400", description = "A malformed cursor, or a type of another stream")
    public Multi<byte[]> events(@PathParam("stream") String stream, @QueryParam("after") String after,
            @QueryParam("type") String type, @QueryParam("key") String key, @QueryParam("follow") boolean follow) {
        caller.streams().require(stream);
        // Written a page at a time (see NdjsonPages): each line is still one event, as StreamEvent describes it.
        return streams.eventPages(stream, QueryParameters.cursor(after), typeOf(stream, type),
                QueryParameters.optional(key), follow).map(ndjson::lines);
    }

    @GET
    @Path("/{stream}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(hidden = true)
    public Multi<OutboundSseEvent> eventsAsSse(@PathParam("stream") String stream, @QueryParam("after") String after,
            @QueryParam("type") String type, @QueryParam("key") String key, @QueryParam("follow") boolean follow,
            @HeaderParam("Last-Event-ID") String lastEventId, @Context Sse sse) {
        caller.streams().require(stream);
        // A reconnecting EventSource sends the last id it received: resume there.
        String from = after != null && !after.isBlank() ? after : lastEventId;
        return streams
                .events(stream, QueryParameters.cursor(from), typeOf(stream, type), QueryParameters.optional(key), follow)
                .map(event -> sse.newEventBuilder().id(event.cursor()).name("event")
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).data(StreamEvent.class, event).build());
    }

    @GET
    @Path("/{stream}/snapshot")
    @Produces(NDJSON)
    @Operation(summary = "The whole current state of a stream, one live key per line (NDJSON), in key order", description = "Streamed from a consistent snapshot with bounded memory, however many keys and however slow the reader.")
    @APIResponse(responseCode = "200", description = "One JSON object per line: the key's latest event")
    @APIResponse(responseCode = "404", description = "No event with a key was ever stored in this stream")
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<KeyState> snapshot(@PathParam("stream") String stream) {
        caller.streams().require(stream);
        return streams.snapshot(stream);
    }

    /**
     * The type filter of an event stream. An event's stream is derived from its type, so a type of another stream
     * can never match: refused with the stream it belongs to, rather than answered with nothing after reading the
     * stream's whole history (or every event of that type) for it, at every poll of a follower.
     */
    private static String typeOf(String stream, String type) {
        String filter = QueryParameters.optional(type);
        if (filter != null && !StreamNaming.streamOf(filter).equals(stream)) {
            throw new InvalidRequestException(Violation.atParameter("type", "events of type " + filter + " are in stream "
                    + StreamNaming.streamOf(filter) + ", never in " + stream));
        }
        return filter;
    }
}
