package io.eventlake.subscriptions;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.eventlake.security.Caller;
import io.eventlake.security.Roles;
import io.eventlake.security.StreamScope;

/** Registers new consumer groups on streams with a start point; see the README's subscription contract. */
@Path("/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Subscriptions", description = "New consumer groups with history or state from the lake")
@RolesAllowed(Roles.OPERATOR)
public class SubscriptionResource {

    @Inject
    Caller caller;

    @Inject
    SubscriptionService subscriptions;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a consumer group on streams from a start point", description = "start: snapshot (the latest state of every key, then live), earliest (all history), latest, or an RFC 3339 datetime (events from then on). The group's offsets are set before its first poll; history Kafka no longer holds comes from the lake through the backfill topic.")
    @APIResponse(responseCode = "201", description = "Registered: the topics to read, the backfill topic and the hand-over position")
    @APIResponse(responseCode = "400", description = "Every problem of the request")
    @APIResponse(responseCode = "409", description = "The group has active members, or committed offsets and takeOver was not asked for")
    public Response create(SubscriptionRequest request) {
        caller.streams().requireAll(request == null ? null : request.streams());
        Subscription subscription = subscriptions.create(request, caller.name());
        return Response.created(UriBuilder.fromPath("/subscriptions/{group}").build(subscription.group())).entity(subscription)
                .build();
    }

    @GET
    @Operation(summary = "Every subscription with its backfill state and its lag (records still to read)")
    public List<Subscription> list() {
        StreamScope scope = caller.streams();
        return subscriptions.list().stream().filter(s -> scope.permitsAll(s.streams())).toList();
    }

    @GET
    @Path("/{group}")
    @Operation(summary = "One subscription")
    @APIResponse(responseCode = "404", description = "No subscription for this group")
    public Subscription get(@PathParam("group") String group) {
        Subscription subscription = subscriptions.get(group);
        caller.streams().requireAll(subscription.streams());
        return subscription;
    }
}
