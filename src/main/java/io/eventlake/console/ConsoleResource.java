package io.eventlake.console;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.ProblemMapper;
import io.eventlake.security.Caller;
import io.eventlake.security.Roles;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.common.annotation.Blocking;

/**
 * The console's pages and its session. Pages are read with the session cookie ({@link ConsoleSessionMechanism});
 * the session is opened with the bearer token the browser signed in with, so that only a script of this origin,
 * holding a valid token, can open one. The console is not part of the API: its operations are left out of the
 * OpenAPI document ({@code ConsoleAccessTest} holds it to its roles instead).
 */
@Path(ConsoleSessionMechanism.PATH)
@RolesAllowed({ Roles.READER, Roles.OPERATOR })
public class ConsoleResource {

    @CheckedTemplate(basePath = "console")
    static class Templates {
        static native TemplateInstance overview(Viewer viewer, Overview overview);

        static native TemplateInstance overview$figures(Viewer viewer, Overview overview);

        static native TemplateInstance signIn(SignInSettings settings, String problem);

        static native TemplateInstance forbidden(Viewer viewer, String needed);
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
    @Path("sign-in")
    @Produces(MediaType.TEXT_HTML)
    @PermitAll
    @Operation(hidden = true) // The console's sign-in page
    public Response signIn() {
        EventLakeConfig.Console console = config.console();
        SignInSettings settings = new SignInSettings(console.oidcAuthority().orElse(""), console.oidcClientId(),
                console.oidcScope());
        return ConsolePages.page(Templates.signIn(settings, null), config);
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
        return ConsolePages.status(403, Templates.forbidden(Viewer.of(caller), Roles.READER + "' or '" + Roles.OPERATOR),
                config);
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
