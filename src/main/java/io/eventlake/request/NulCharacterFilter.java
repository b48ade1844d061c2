package io.eventlake.request;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.eventlake.error.ProblemMapper;
import io.eventlake.error.Violation;

/**
 * Refuses, before any resource runs, a path or query parameter holding NUL ({@code %00}): PostgreSQL text cannot
 * hold that character, so no stored name, id or type can match it, and passing it on would make the database
 * refuse the query. Every other character reaches the resources, which judge their own values.
 */
public class NulCharacterFilter {

    @ServerRequestFilter(preMatching = true)
    public Response refuseNul(ContainerRequestContext request) {
        if (request.getUriInfo().getPath().indexOf('\u0000') >= 0) {
            return refusal(Violation.atParameter("path", MESSAGE));
        }
        for (Map.Entry<String, List<String>> parameter : request.getUriInfo().getQueryParameters().entrySet()) {
            if (parameter.getKey().indexOf('\u0000') >= 0
                    || parameter.getValue().stream().anyMatch(value -> value.indexOf('\u0000') >= 0)) {
                return refusal(Violation.atParameter(parameter.getKey().replace('\u0000', '?'), MESSAGE));
            }
        }
        return null;
    }

    private static final String MESSAGE = "must not contain NUL (%00): nothing stored can hold it";

    private static Response refusal(Violation violation) {
        return ProblemMapper.problem(400, "Bad Request", "The request's path or query holds a NUL character.",
                List.of(violation));
    }
}
