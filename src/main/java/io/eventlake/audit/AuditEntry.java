package io.eventlake.audit;

import java.time.OffsetDateTime;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One audited call: who ({@code subject}, {@code name}, {@code clientId}, {@code roles}), what ({@code operation}
 * such as {@code ConsumerGroupResource.reset}, {@code method}, {@code path}, {@code target}: the path parameters,
 * {@code summary}: the query), when ({@code at}), and how it ended ({@code status}, {@code outcome}).
 */
@RegisterForReflection
public record AuditEntry(long id, OffsetDateTime at, String subject, String name, String clientId, List<String> roles,
        String operation, String method, String path, String target, String summary, int status, AuditOutcome outcome) {
}
