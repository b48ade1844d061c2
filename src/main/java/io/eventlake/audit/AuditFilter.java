package io.eventlake.audit;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.security.Caller;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Records every state-changing call once, after it has been answered, whether it was allowed, refused (401,
 * 403), rejected or failed. It runs on the response of every REST call, so a new endpoint is audited without
 * anyone remembering to.
 */
public class AuditFilter {

    private static final Logger LOG = Logger.getLogger(AuditFilter.class);

    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** Calls that only read, although they are POSTs (a validation sandbox): not audited. */
    private static final Set<String> READ_ONLY_OPERATIONS = Set.of("SchemaResource.validate");

    private final AuditService audit;
    private final CurrentIdentityAssociation identities;
    private final EventLakeConfig config;

    static final int MAX_RECORDED_LENGTH = 2000;

    @Inject
    public AuditFilter(AuditService audit, CurrentIdentityAssociation identities, EventLakeConfig config) {
        this.audit = audit;
        this.identities = identities;
        this.config = config;
    }

    @ServerResponseFilter
    public Uni<Void> record(ContainerRequestContext request, ContainerResponseContext response,
            SimpleResourceInfo resource) {
        if (!STATE_CHANGING.contains(request.getMethod())) {
            return Uni.createFrom().voidItem();
        }
        String operation = resource == null || resource.getResourceClass() == null ? "unmatched"
                : resource.getResourceClass().getSimpleName() + "." + resource.getMethodName();
        if (READ_ONLY_OPERATIONS.contains(operation)) {
            return Uni.createFrom().voidItem();
        }
        int status = response.getStatus();
        // A refused token leaves no identity: the call is recorded as anonymous, never with the token's claims.
        return identities.getDeferredIdentity()
                .onFailure().recoverWithItem(() -> QuarkusSecurityIdentity.builder().setAnonymous(true).build())
                .flatMap(identity -> audit.record(entry(identity, operation, request, status)))
                .onFailure().invoke(e -> LOG.errorf(e, "EL0801 could not record %s %s (%s, %d) in the audit trail",
                        request.getMethod(), request.getUriInfo().getPath(), operation, status))
                .onFailure().recoverWithNull();
    }

    private AuditEntry entry(SecurityIdentity identity, String operation, ContainerRequestContext request, int status) {
        Caller caller = new Caller(identity, config);
        String target = request.getUriInfo().getPathParameters().entrySet().stream()
                .map(e -> e.getKey() + "=" + String.join(",", e.getValue()))
                .collect(Collectors.joining(" "));
        String query = request.getUriInfo().getRequestUri().getRawQuery();
        return new AuditEntry(0, null, caller.subject(), caller.name(), caller.clientId(), List.copyOf(caller.roles()),
                operation, request.getMethod(), printable(request.getUriInfo().getPath()),
                target.isEmpty() ? null : printable(target), printable(query), status, AuditOutcome.of(status));
    }

    /**
     * What a client put in the path or query, as PostgreSQL text can hold it and an operator can read it: control
     * characters (NUL above all, which text refuses) escaped as a backslash, u and four hex digits,
     *
     * and at most*
     * {@value #MAX_RECORDED_LENGTH}characters,
     * so that
     * a hostile
     * request is
     * recorded rather
     * than lost.
     */

    static String printable(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder printable = new StringBuilder(Math.min(value.length(), MAX_RECORDED_LENGTH + 16));
        for (int i = 0; i < value.length() && printable.length() < MAX_RECORDED_LENGTH; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c) && !validSurrogateAt(value, i)) {
                printable.append(String.format("\\u%04x", (int) c));
            } else {
                printable.append(c);
            }
        }
        if (printable.length() < value.length() && printable.length() >= MAX_RECORDED_LENGTH) {
            printable.append("…(").append(value.length()).append(" characters)");
        }
        return printable.toString();
    }

    private static boolean validSurrogateAt(String value, int i) {
        char c = value.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }
}
