package io.eventlake.error;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

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
