package io.eventlake.offsets;

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

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.Violation;
import io.eventlake.offsets.ConsumerGroupRequests.CopyRequest;
import io.eventlake.offsets.ConsumerGroupRequests.ResetRequest;
import io.eventlake.offsets.ConsumerGroupViews.GroupDetail;
import io.eventlake.offsets.ConsumerGroupViews.GroupSummary;
import io.eventlake.offsets.ConsumerGroupViews.OffsetChange;
import io.eventlake.offsets.ConsumerGroupViews.ResetResult;
import io.eventlake.request.QueryParameters;
import io.eventlake.security.Caller;
import io.eventlake.security.Roles;
import io.smallrye.mutiny.Uni;

/**
 * Consumer groups: lag, and offset resets and copies with the semantics and strategy names of Kafka's
 * {@code kafka-consumer-groups --reset-offsets}. Every change is a dry run unless {@code execute} is true.
 */
@Path("/")
@Tag(name = "Consumer groups")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class ConsumerGroupResource {

    @Inject
    Caller caller;

    @Inject
    ConsumerGroupService groups;

    @GET
    @Path("consumer-groups")
    @Operation(summary = "Every consumer group: state, member count, topics, total lag")
    public List<GroupSummary> list() {
        caller.streams().requireUnrestricted("Consumer groups");
        return groups.list();
    }

    @GET
    @Path("consumer-groups/{group}")
    @Operation(summary = "One group: members, and per partition the committed offset, log end offset and lag in records and in time")
    @APIResponse(responseCode = "404", description = "No such group")
    public GroupDetail describe(@PathParam("group") String group) {
        caller.streams().requireUnrestricted("Consumer groups");
        return groups.describe(group);
    }

    @POST
    @Path("consumer-groups/{group}/offsets/reset")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Plan (dry run) or execute an offset reset", description = "strategy: to-earliest, to-latest, "
            + "to-current, to-datetime (value: ISO-8601 date-time), by-duration (value: ISO-8601 duration), to-offset "
            + "(value: offset), shift-by (value: ±N). Targets are clamped to each partition's bounds like Kafka's tool. "
            + "With execute: true the plan is applied, read back and verified; refused (409) while the group has members.")
    @APIResponse(responseCode = "200", description = "The plan, per partition: current and new offset")
    @APIResponse(responseCode = "400", description = "Unknown strategy, missing or malformed value, bad scope")
    @APIResponse(responseCode = "404", description = "Unknown group or topic")
    @APIResponse(responseCode = "409", description = "The group has active members (listed)")
    public ResetResult reset(@PathParam("group") String group, ResetRequest request) {
        caller.streams().requireUnrestricted("Consumer groups");
        if (request == null) {
            throw new InvalidRequestException(Violation.atPointer("", "a body with a strategy is required"));
        }
        if (request.strategy() == null) {
            throw new InvalidRequestException(Violation.atPointer("/strategy", "is required"));
        }
        ResetStrategy strategy = ResetStrategy.fromOption(request.strategy())
                .orElseThrow(() -> new InvalidRequestException(Violation.atPointer("/strategy",
                        "unknown strategy '" + request.strategy() + "'; one of to-earliest, to-latest, to-current, "
                                + "to-datetime, by-duration, to-offset, shift-by")));
        if (strategy.needsValue() && (request.value() == null || request.value().isBlank())) {
            throw new InvalidRequestException(Violation.atPointer("/value", strategy.option() + " needs a value"));
        }
        return groups.reset(group, strategy, request.value(), request.scope(), Boolean.TRUE.equals(request.execute()),
                caller.name());
    }

    @POST
    @Path("consumer-groups/{group}/offsets/copy")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Plan (dry run) or execute a copy of another group's committed offsets to this group")
    @APIResponse(responseCode = "400", description = "Missing fromGroup, or a partition the source group has no offset on")
    @APIResponse(responseCode = "404", description = "The source group has no committed offsets")
    @APIResponse(responseCode = "409", description = "This group has active members (listed)")
    public ResetResult copy(@PathParam("group") String group, CopyRequest request) {
        caller.streams().requireUnrestricted("Consumer groups");
        if (request == null || request.fromGroup() == null || request.fromGroup().isBlank()) {
            throw new InvalidRequestException(Violation.atPointer("/fromGroup", "is required"));
        }
        if (request.fromGroup().equals(group)) {
            throw new InvalidRequestException(Violation.atPointer("/fromGroup", "must name another group"));
        }
        return groups.copy(group, request.fromGroup(), request.scope(), Boolean.TRUE.equals(request.execute()),
                caller.name());
    }

    @GET
    @Path("offset-changes")
    @Operation(summary = "The audit of executed resets and copies, newest first")
    public Uni<List<OffsetChange>> changes(@QueryParam("group") String group, @QueryParam("before") String before,
            @QueryParam("limit") String limit) {
        caller.streams().requireUnrestricted("Consumer groups");
        int size = QueryParameters.pageSize(limit, 100, 1000);
        long beforeId = QueryParameters.optional(before) == null ? Long.MAX_VALUE
                : QueryParameters.id("before", before, "offset change");
        return groups.changes(QueryParameters.optional(group), beforeId, size);
    }
}
