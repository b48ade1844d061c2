package io.eventlake.error;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * The one place where errors become {@code application/problem+json} responses. Domain exceptions carry
 * their own status; anything unexpected is a 500 whose body reveals no class names or stack traces.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    /** Logged once a minute at most while it lasts: an outage fails every request the same way. */
    private static final RepeatedCondition DATABASE_UNREACHABLE = new RepeatedCondition(Duration.ofMinutes(1));

    @ServerExceptionMapper
    public Response domain(EventLakeException e) {
        Response problem = problem(e.status(), e.title(), e.getMessage(), e.violations(), e.extensions());
        if (e instanceof UnavailableException unavailable) {
            return Response.fromResponse(problem).header(HttpHeaders.RETRY_AFTER, unavailable.retryAfterSeconds()).build();
        }
        return problem;
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadableBody(unreadable);
        }
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

    private static Response unavailable(String detail) {
        return Response.fromResponse(problem(503, "Service Unavailable", detail, List.of()))
                .header(HttpHeaders.RETRY_AFTER, "5").build();
    }

    private static Response unauthorized(String challenge, String detail) {
        Response problem = problem(401, "Unauthorized", detail, List.of());
        return Response.fromResponse(problem).header(HttpHeaders.WWW_AUTHENTICATE, challenge).build();
    }

    /** The roles of the refused operation, e.g. {@code 'operator'} (admin holds every role). */
    public static String neededRoles(ResourceInfo resource) {
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

    /**
     * A body that is not JSON, or JSON of another shape than the operation takes (a string where an object or a
     * number belongs, an array element that is not an object). The violation points at the place in the body;
     * the detail names what was expected, never a Java type.
     */
    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !(e instanceof JsonParseException)) {
            String pointer = pointerOf(mapping);
            String expected = mapping instanceof MismatchedInputException mismatch ? expected(mismatch.getTargetType())
                    : "a value of another kind";
            return problem(400, "Bad Request", "The body does not have the shape this operation takes.",
                    List.of(Violation.atPointer(pointer, "must be " + expected)));
        }
        return problem(400, "Bad Request", "The body is not valid JSON"
                + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")" : "")
                + ".",
                List.of());
    }

    /** Named apart from {@link #unreadableBody}: the JSON extension maps this type itself unless told otherwise. */
    @ServerExceptionMapper
    public Response mismatchedBody(MismatchedInputException e) {
        return unreadableBody(e);
    }

    /**
     * The JSON pointer of the value Jackson could not map, e.g. {@code /scope/partitions/0}, from its mapping path
     * (complete because the generated reflection-free deserializers, which drop the outer levels, are off).
     */
    private static String pointerOf(JsonMappingException e) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            pointer.append('/');
            if (reference.getFieldName() != null) {
                pointer.append(reference.getFieldName().replace("~", "~0").replace("/", "~1"));
            } else if (reference.getIndex() >= 0) {
                pointer.append(reference.getIndex());
            }
        }
        return pointer.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a value of another kind";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number in range";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        // Safety nets: a value the database refuses (SQLSTATE class 22, e.g. a character text cannot hold), and
        // an operation the Kafka cluster refuses or cannot answer, are the request's or the cluster's problem;
        // a database that cannot be reached is an outage the caller waits out.
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (databaseUnreachable(cause)) {
                String reason = cause.toString();
                DATABASE_UNREACHABLE.occurred().ifPresent(report -> LOG.warnf(
                        "EL0902 the database cannot be reached (%d requests answered 503 since %s, %d since the last "
                                + "line): %s",
                        report.occurrences(), report.since(), report.sinceLastReport(), reason));
                return unavailable("The database cannot be reached at the moment; try again.");
            }
            if (cause instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
                return problem(400, "Bad Request", "A value of the request cannot be stored or compared: "
                        + pg.getErrorMessage() + ".", List.of());
            }
            if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("22")) {
                return problem(400, "Bad Request", "A value of the request cannot be stored or compared.", List.of());
            }
            if (cause instanceof UnknownTopicOrPartitionException) {
                return problem(404, "Not Found", "Kafka knows no such topic or partition (was it deleted?).", List.of());
            }
            if (cause instanceof InvalidTopicException || cause instanceof InvalidGroupIdException) {
                return problem(400, "Bad Request", "Kafka refused a name of the request: " + cause.getMessage(),
                        List.of());
            }
            if (cause instanceof RetriableException || cause instanceof java.util.concurrent.TimeoutException) {
                LOG.warnf("EL0901 the Kafka cluster did not answer in time: %s", cause.toString());
                return unavailable("The Kafka cluster did not answer in time; try again.");
            }
            if (cause instanceof ApiException) {
                LOG.warnf("EL0901 the Kafka cluster refused an operation: %s", cause.toString());
                return problem(502, "Bad Gateway", "The Kafka cluster refused the operation: " + cause.getMessage(),
                        List.of());
            }
        }
        LOG.error("EL0900 unexpected error while serving a request", e);
        return problem(500, "Internal error", "The request could not be completed; the service log has details.",
                List.of());
    }

    /**
     * A failure to reach the database rather than a refusal of the statement: connection exceptions (SQLSTATE
     * class 08), too many connections (53), a server shutting down or starting (57P), a database not accepting
     * connections (55000, {@code allow_connections false}), a refused or closed connection, a full wait queue.
     */
    private static boolean databaseUnreachable(Throwable cause) {
        if (cause instanceof PgException pg && pg.getSqlState() != null) {
            String state = pg.getSqlState();
            return state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.equals("55000");
        }
        return cause instanceof java.net.ConnectException || cause instanceof ClosedConnectionException
                || cause instanceof ConnectionPoolTooBusyException;
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
