package io.eventlake.audit;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A page of the audit trail; pass {@code next} as {@code after} for the following (older) page. */
@RegisterForReflection
public record AuditPage(List<AuditEntry> entries, String next, boolean hasMore) {
}
