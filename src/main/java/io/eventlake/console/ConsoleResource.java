package io.eventlake.console;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.audit.AuditOutcome;
import io.eventlake.audit.AuditPage;
import io.eventlake.audit.AuditQuery;
import io.eventlake.audit.AuditService;
import io.eventlake.config.EventLakeConfig;
import io.eventlake.deadletter.DeadLetterFilter;
import io.eventlake.deadletter.DeadLetterService;
import io.eventlake.deadletter.DeadLetterStatus;
import io.eventlake.deadletter.DeadLetterViews.DeadLetterPage;
import io.eventlake.envelope.RejectionCode;
import io.eventlake.error.EventLakeException;
import io.eventlake.error.NotFoundException;
import io.eventlake.error.ProblemMapper;
import io.eventlake.event.StreamNaming;
import io.eventlake.lake.EventQuery;
import io.eventlake.lake.LakeQueryService;
import io.eventlake.offsets.ConsumerGroupService;
import io.eventlake.offsets.ConsumerGroupViews.GroupDetail;
import io.eventlake.offsets.ConsumerGroupViews.GroupSummary;
import io.eventlake.replay.ReplayJob;
import io.eventlake.replay.ReplayService;
import io.eventlake.request.QueryParameters;
import io.eventlake.schema.SchemaComparison;
import io.eventlake.schema.SchemaRegistryService;
import io.eventlake.schema.SchemaViews.TypeSummary;
import io.eventlake.security.Caller;
import io.eventlake.security.Roles;
import io.eventlake.security.StreamScope;
import io.eventlake.streams.StreamService;
import io.eventlake.streams.StreamViews.StreamSummary;
import io.eventlake.subscriptions.Subscription;
import io.eventlake.subscriptions.SubscriptionService;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The console's pages and its session. Pages are read with the session cookie ({@link ConsoleSessionMechanism});
 * the session is opened with the bearer token the browser signed in with, so that only a script of this origin,
 * holding a valid token, can open one. The console is not part of the API: its operations are left out of the
 * OpenAPI document ({@code ConsoleAccessTest} holds it to its roles instead).
 */
@Path(ConsoleSessionMechanism.PATH)
@RolesAllowed({ Roles.READER, Roles.OPERATOR })
public class ConsoleResource {

    /** The replay jobs the replays page lists at most (the newest). */
    static final int REPLAYS_LISTED = 50;

    /** The events of a key's history the streams page shows at most (the oldest first). */
    static final int KEY_HISTORY_SHOWN = 200;

    /** How often a running job's progress is sent to its page. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private static final Duration WAIT = Duration.ofSeconds(10);

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance overview(Viewer viewer, Overview overview);

        static native TemplateInstance overview$figures(Viewer viewer, Overview overview);

        static native TemplateInstance signIn(SignInSettings settings);

        static native TemplateInstance problem(Viewer viewer, String title, String detail);

        static native TemplateInstance groups(Viewer viewer, List<GroupSummary> groups);

        static native TemplateInstance group(Viewer viewer, GroupDetail group);

        static native TemplateInstance group$position(Viewer viewer, GroupDetail group);

        static native TemplateInstance deadLetters(Viewer viewer, DeadLetterPage page, DeadLetterQuery query);

        static native TemplateInstance deadLetter(Viewer viewer, DeadLetterInspection deadLetter);

        static native TemplateInstance replays(Viewer viewer, List<ReplayJob> jobs, List<Subscription> subscriptions);

        static native TemplateInstance streams(Viewer viewer, List<StreamSummary> streams, KeyHistory lookup);

        static native TemplateInstance schemas(Viewer viewer, List<TypeSummary> types);

        static native TemplateInstance audit(Viewer viewer, AuditPage page, AuditFilterForm filter);

        static native TemplateInstance schema(Viewer viewer, SchemaPage schema);

        static native TemplateInstance replay(Viewer viewer, ReplayJob job);

        static native TemplateInstance replay$progress(ReplayJob job);
    }

    /** What the sign-in page needs to sign in at the identity provider, when one is configured. */
    public record SignInSettings(String authority, String clientId, String scope) {
    }

    @Inject
    Caller caller;

    @Inject
    JsonWebToken token;

    @Inject
    OverviewService overviews;

    @Inject
    ConsumerGroupService consumerGroups;

    @Inject
    ResourceInfo resource;

    @Inject
    DeadLetterService deadLetters;

    @Inject
    ObjectMapper mapper;

    @Inject
    ReplayService replays;

    @Inject
    SubscriptionService subscriptions;

    @Inject
    Vertx vertx;

    @Inject
    StreamService streamService;

    @Inject
    LakeQueryService lake;

    @Inject
    SchemaRegistryService schemas;

    @Inject
    AuditService audit;

    @Inject
    EventLakeConfig config;

    @Inject
    UriInfo uri;

    @Inject
    HttpHeaders headers;

    @Inject
    Request request;

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Blocking
    @Operation(hidden = true) // The console's overview: ingest rate, rejects, dead letters, latency, consumer groups, replays
    public Response overview() {
        Viewer viewer = Viewer.of(caller);
        return ConsolePages.page(Templates.overview(viewer, overviews.overview(viewer)), config);
    }

    @GET
    @Path("overview/figures")
    @Produces(MediaType.TEXT_HTML)
    @Blocking
    @Operation(hidden = true) // The overview's figures, as the page refreshes them
    public Response overviewFigures() {
        Viewer viewer = Viewer.of(caller);
        return ConsolePages.page(Templates.overview$figures(viewer, overviews.overview(viewer)), config);
    }

    @GET
    @Path("overview/series")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true) // The overview's charts: one sample per interval, oldest first
    public List<OverviewSample> overviewSeries() {
        return overviews.series();
    }

    @GET
    @Path("consumer-groups")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(Roles.OPERATOR)
    @Blocking
    @Operation(hidden = true) // Every consumer group with its status and lag
    public Response groups() {
        Viewer viewer = operatorOfEveryStream("Consumer groups");
        return ConsolePages.page(Templates.groups(viewer, consumerGroups.list()), config);
    }

    @GET
    @Path("consumer-groups/{group}")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(Roles.OPERATOR)
    @Blocking
    @Operation(hidden = true) // One group: members, partitions, and the wizard that moves its offsets
    public Response group(@PathParam("group") String group) {
        Viewer viewer = operatorOfEveryStream("Consumer groups");
        return ConsolePages.page(Templates.group(viewer, consumerGroups.describe(group)), config);
    }

    @GET
    @Path("consumer-groups/{group}/position")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(Roles.OPERATOR)
    @Blocking
    @Operation(hidden = true) // The group's members and partitions, as the page refreshes them after a move
    public Response groupPosition(@PathParam("group") String group) {
        Viewer viewer = operatorOfEveryStream("Consumer groups");
        return ConsolePages.page(Templates.group$position(viewer, consumerGroups.describe(group)), config);
    }

    /** The dead-letter list's filter as typed, to show it again in the form and to hand it to a bulk redrive. */
    public record DeadLetterQuery(String type, String reason, String status, String from, String to) {

        /** The reason codes and statuses the form offers. */
        public List<String> reasons() {
            return Arrays.stream(RejectionCode.values()).map(Enum::name).toList();
        }

        public List<String> statuses() {
            return Arrays.stream(DeadLetterStatus.values()).map(Enum::name).toList();
        }

        /** This filter as a query string, for the next page's link. */
        public String queryString() {
            return QueryStrings.of("type", type, "reason", reason, "status", status, "from", from, "to", to);
        }
    }

    @GET
    @Path("dead-letters")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(Roles.OPERATOR)
    @Operation(hidden = true) // Dead letters, filtered and paged as GET /dead-letters does
    public Uni<Response> deadLetters(@QueryParam("type") String type, @QueryParam("reason") String reason,
            @QueryParam("status") String status, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("after") String after) {
        Viewer viewer = operatorOfEveryStream("Dead letters");
        DeadLetterFilter filter = DeadLetterFilter.fromQuery(type, reason, status, from, to);
        DeadLetterQuery query = new DeadLetterQuery(type, reason, status, from, to);
        return deadLetters.page(filter, QueryParameters.cursor(after), config.http().defaultPageSize())
                .map(page -> ConsolePages.page(Templates.deadLetters(viewer, page, query), config));
    }

    @GET
    @Path("dead-letters/{id}")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(Roles.OPERATOR)
    @Operation(hidden = true) // One dead letter: original bytes, headers, violations, actions; redrive or discard
    public Uni<Response> deadLetter(@PathParam("id") String id) {
        Viewer viewer = operatorOfEveryStream("Dead letters");
        return deadLetters.get(QueryParameters.id("id", id, "dead letter")).map(detail -> ConsolePages
                .page(Templates.deadLetter(viewer, DeadLetterInspection.of(detail, mapper)), config));
    }

    @GET
    @Path("streams")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(Roles.READER)
    @Operation(hidden = true) // Every stream's live and deleted keys; a key's current state and its whole history
    public Uni<Response> streams(@QueryParam("stream") String stream, @QueryParam("key") String key) {
        Viewer viewer = Viewer.of(caller);
        StreamScope scope = caller.streams();
        Uni<List<StreamSummary>> listed = streamService.streams(scope::permits);
        String wanted = QueryParameters.optional(stream);
        String wantedKey = QueryParameters.optional(key);
        if (wanted == null || wantedKey == null) {
            return listed.map(all -> ConsolePages.page(Templates.streams(viewer, all, null), config));
        }
        scope.require(wanted);
        Uni<KeyHistory> lookup = lake.page(new EventQuery(null, wantedKey, null, null, Set.of(wanted), 0, KEY_HISTORY_SHOWN))
                .flatMap(page -> streamService.key(wanted, wantedKey)
                        .map(state -> KeyHistory.of(wanted, wantedKey, state, null, page.events(), page.hasMore()))
                        .onFailure(NotFoundException.class).recoverWithItem(gone -> KeyHistory.of(wanted, wantedKey, null,
                                gone.getMessage(), page.events(), page.hasMore())));
        return Uni.combine().all().unis(listed, lookup)
                .asTuple().map(both -> ConsolePages.page(Templates.streams(viewer, both.getItem1(), both.getItem2()), config));
    }

    @GET
    @Path("schemas")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(Roles.READER)
    @Operation(hidden = true) // Every type with a schema: versions and compatibility level
    public Uni<Response> schemaTypes() {
        Viewer viewer = Viewer.of(caller);
        StreamScope scope = caller.streams();
        return schemas.types().map(all -> all.stream().filter(t -> scope.permits(StreamNaming.streamOf(t.type()))).toList())
                .map(types -> ConsolePages.page(Templates.schemas(viewer, types), config));
    }

    @GET
    @Path("schemas/{type}")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(Roles.READER)
    @Operation(hidden = true) // A type's versions, two of them compared (breaking changes, diff), and the sandbox
    public Uni<Response> schemaType(@PathParam("type") String type, @QueryParam("older") String older,
            @QueryParam("newer") String newer) {
        Viewer viewer = Viewer.of(caller);
        caller.streams().require(StreamNaming.streamOf(type));
        return schemas.versions(type).flatMap(versions -> {
            int latest = versions.get(versions.size() - 1).version();
            int right = newer == null || newer.isBlank() ? latest : (int) QueryParameters.id("newer", newer, "version");
            int left = older == null || older.isBlank() ? Math.max(1, right - 1)
                    : (int) QueryParameters.id("older", older, "version");
            Uni<SchemaComparison> comparison = versions.size() < 2 ? Uni.createFrom().nullItem()
                    : schemas.compare(type, left, right);
            return Uni.combine().all().unis(schemas.levelOf(type), comparison).asTuple().map(found -> {
                SchemaComparison compared = found.getItem2();
                List<LineDiff.Row> diff = compared == null ? null
                        : LineDiff.of(pretty(compared.older().schemaText()), pretty(compared.newer().schemaText()));
                return ConsolePages.page(Templates.schema(viewer, new SchemaPage(type, versions, found.getItem1(), compared,
                        diff)), config);
            });
        });
    }

    /** A stored schema as the diff shows it: indented, one member per line. */
    private String pretty(String json) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return json;
        }
    }

    /** The audit page's filter as typed, to show it again and to carry it to the next page. */
    public record AuditFilterForm(String subject, String operation, String outcome, String from, String to) {

        public List<String> outcomes() {
            return Arrays.stream(AuditOutcome.values()).map(Enum::name).toList();
        }

        /** This filter as a query string, for the next page's link. */
        public String queryString() {
            return QueryStrings.of("subject", subject, "operation", operation, "outcome", outcome, "from", from,
                    "to", to);
        }
    }

    @GET
    @Path("audit")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(Roles.ADMIN)
    @Operation(hidden = true) // Who did what: every state-changing call, filtered as GET /audit filters it
    public Uni<Response> auditTrail(@QueryParam("subject") String subject, @QueryParam("operation") String operation,
            @QueryParam("outcome") String outcome, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("after") String after) {
        Viewer viewer = Viewer.of(caller);
        AuditQuery query = AuditQuery.fromQuery(subject, operation, outcome, from, to, after, null);
        AuditFilterForm form = new AuditFilterForm(subject, operation, outcome, from, to);
        return audit.page(query).map(page -> ConsolePages.page(Templates.audit(viewer, page, form), config));
    }

    @GET
    @Path("replays")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(Roles.OPERATOR)
    @Blocking
    @Operation(hidden = true) // Replay jobs with their progress, the form that starts one, and the subscriptions
    public Response replays() {
        Viewer viewer = Viewer.of(caller);
        StreamScope scope = caller.streams();
        List<ReplayJob> jobs = replays.list(REPLAYS_LISTED).await().atMost(WAIT).stream()
                .filter(job -> scope.permitsAll(job.streams())).toList();
        List<Subscription> subscribed = subscriptions.list().stream().filter(s -> scope.permitsAll(s.streams())).toList();
        return ConsolePages.page(Templates.replays(viewer, jobs, subscribed), config);
    }

    @GET
    @Path("replays/{id}")
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed(Roles.OPERATOR)
    @Operation(hidden = true) // One replay job, its progress live, and its cancel
    public Uni<Response> replay(@PathParam("id") String id) {
        Viewer viewer = Viewer.of(caller);
        return visibleReplay(id).map(job -> ConsolePages.page(Templates.replay(viewer, job), config));
    }

    /**
     * A job's progress as server-sent events: its progress fragment every second while it runs, then the last
     * one and an event named {@code done}, on which the page closes the stream (htmx's {@code sse-close}).
     */
    @GET
    @Path("replays/{id}/progress")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed(Roles.OPERATOR)
    @Operation(hidden = true) // A replay's progress, live
    public Multi<OutboundSseEvent> replayProgress(@PathParam("id") String id, @Context Sse sse) {
        long jobId = QueryParameters.id("id", id, "replay");
        return visibleReplay(id).onItem().transformToMulti(first -> Multi.createFrom().<OutboundSseEvent> emitter(emitter -> {
            long timer = vertx.setPeriodic(0, PROGRESS_INTERVAL.toMillis(), tick -> replays.get(jobId).subscribe().with(job -> {
                // one line of data: a fragment's line breaks would each need their own "data:" field
                String fragment = Templates.replay$progress(job).render().replace('\n', ' ');
                emitter.emit(sse.newEventBuilder().name("message").data(fragment).build());
                if (!job.state().active()) {
                    emitter.emit(sse.newEventBuilder().name("done").data(job.state().name()).build());
                    emitter.complete();
                }
            }, emitter::fail));
            emitter.onTermination(() -> vertx.cancelTimer(timer));
        }));
    }

    private Uni<ReplayJob> visibleReplay(String id) {
        StreamScope scope = caller.streams();
        return replays.get(QueryParameters.id("id", id, "replay")).invoke(job -> scope.requireAll(job.streams()));
    }

    @GET
    @Path("sign-in")
    @Produces(MediaType.TEXT_HTML)
    @PermitAll
    @Operation(hidden = true) // The console's sign-in page
    public Response signIn() {
        EventLakeConfig.Console console = config.console();
        SignInSettings settings = new SignInSettings(console.oidcAuthority().orElse(""), console.oidcClientId(),
                console.oidcScope());
        return ConsolePages.page(Templates.signIn(settings), config);
    }

    @POST
    @Path("session")
    @Authenticated
    @Operation(hidden = true) // Opens a console session for the bearer token of the request (any role)
    public Response openSession() {
        long secondsLeft = Math.max(0, token.getExpirationTime() - System.currentTimeMillis() / 1000);
        String raw = token.getRawToken();
        return Response.noContent().cookie(sessionCookie(raw, (int) Math.min(Integer.MAX_VALUE, secondsLeft))).build();
    }

    @DELETE
    @Path("session")
    @PermitAll
    @Operation(hidden = true) // Ends the console session (its cookie)
    public Response closeSession() {
        return Response.noContent().cookie(sessionCookie("", 0)).build();
    }

    /** A page without a (valid) session goes to sign-in, and comes back to where it was after it. */
    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response signInFirst(RuntimeException e) {
        if (!"GET".equals(request.getMethod()) || isApiCall()) {
            return e instanceof AuthenticationFailedException failed ? new ProblemMapper().badToken(failed)
                    : new ProblemMapper().unauthenticated(new UnauthorizedException());
        }
        URI signIn = uri.getBaseUriBuilder().path(ConsoleSessionMechanism.PATH).path("sign-in")
                .queryParam("next", uri.getRequestUri().getRawPath()).build();
        if (headers.getHeaderString("HX-Request") != null) {
            // htmx follows a redirect inside the fragment; this header makes it load the sign-in page instead.
            return Response.status(401).header("HX-Redirect", signIn.toString()).build();
        }
        return Response.seeOther(signIn).build();
    }

    @ServerExceptionMapper
    public Response notForThisRole(ForbiddenException e) {
        Viewer viewer = Viewer.of(caller);
        String held = viewer.roleList().isEmpty() ? "none" : viewer.roleList();
        return ConsolePages.status(403, Templates.problem(viewer, "Not for your role",
                "This page needs the role " + ProblemMapper.neededRoles(resource) + "; you have " + held + "."), config);
    }

    /** A group that does not exist, a partner's token on a page spanning every stream: the API's reason, as a page. */
    @ServerExceptionMapper
    public Response refused(EventLakeException e) {
        return ConsolePages.status(e.status(), Templates.problem(Viewer.of(caller), e.title(), e.getMessage()), config);
    }

    /** A partner's token (scoped to some streams) sees no consumer groups or dead letters: they span every stream. */
    private Viewer operatorOfEveryStream(String what) {
        caller.streams().requireUnrestricted(what);
        return Viewer.of(caller);
    }

    /** The session calls and the charts' data answer like the API (problem+json), not with a redirect. */
    private boolean isApiCall() {
        String path = uri.getPath();
        return path.endsWith("/session") || path.endsWith("/series");
    }

    private NewCookie sessionCookie(String value, int maxAgeSeconds) {
        return new NewCookie.Builder(ConsoleSessionMechanism.COOKIE).value(value).path(ConsoleSessionMechanism.PATH)
                .maxAge(maxAgeSeconds).httpOnly(true).secure("https".equals(uri.getRequestUri().getScheme()))
                .sameSite(NewCookie.SameSite.STRICT).build();
    }
}
