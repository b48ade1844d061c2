package io.eventlake.error;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * The one place where errors become {@code application/problem+json} responses. Domain exceptions carry
 * their own status; anything unexpected is a 500 whose body reveals no class names or stack traces.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response domain(EventLakeException e) {
        return problem(e.status(), e.title(), e.getMessage(), e.violations(), e.extensions());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase()
                : "HTTP " + status;
        String detail = switch (status) {
            case 404 -> "No such resource.";
            case 405 -> "This method is not allowed on this resource.";
            case 406 -> "None of the accepted media types can be produced.";
            case 415 -> "This media type is not supported here.";
            default -> title;
        };
        return problem(status, title, detail, List.of());
    }

    /** No token on an operation that needs one (401, RFC 6750 §3). */
    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e) {
        return unauthorized("Bearer", "This operation needs a bearer token.");
    }

    /**
     * A token that does not verify: bad signature, wrong issuer or audience, expired (401, RFC 6750 §3.1). The
     * detail says which checks a token must pass, never what the token held.
     */
    @ServerExceptionMapper
    public Response badToken(AuthenticationFailedException e) {
        return unauthorized("Bearer error=\"invalid_token\"",
                "The bearer token is not valid here: it must be signed by the configured identity provider, "
                        + "name this service's issuer and audience, and not be expired.");
    }

    /** A verified token without the role the operation needs; the detail names the role. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ResourceInfo resource) {
        return problem(403, "Forbidden", "This operation needs the role " + neededRoles(resource) + ".", List.of());
    }

    private static Response unauthorized(String challenge, String detail) {
        Response problem = problem(401, "Unauthorized", detail, List.of());
        return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, challenge).build();
    }

    /** The roles of the refused operation, e.g. {@code 'operator'} (admin holds every role). */
    private static String neededRoles(ResourceInfo resource) {
        RolesAllowed allowed = null;
        try {
            if (resource != null && resource.getResourceMethod() != null) {
                allowed = resource.getResourceMethod().getAnnotation(RolesAllowed.class);
                if (allowed == null) {
                    allowed = resource.getResourceClass().getAnnotation(RolesAllowed.class);
                }
            }
        } catch (RuntimeException e) {
            // the operation is still refused; only the detail is less precise
        }
        if (allowed == null || allowed.value().length == 0) {
            return "that it requires (see the README's role table)";
        }
        return "'" + String.join("' or '", allowed.value()) + "'";
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("EL0900 unexpected error while serving a request", e);
        return problem(500, "Internal error", "The request could not be completed; the service log has details.",
                List.of());
    }

    public static Response problem(int status, String title, String detail, List<Violation> violations) {
        return problem(status, title, detail, violations, Map.of());
    }

    public static Response problem(int status, String title, String detail, List<Violation> violations,
            Map<String, Object> extensions) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail, violations, extensions))
                .build();
    }
}
