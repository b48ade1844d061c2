package io.eventlake.audit;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.eventlake.request.PageCursor;
import io.smallrye.mutiny.Uni;

/** Records audited calls and pages through them. */
@ApplicationScoped
public class AuditService {

    private final AuditRepository repository;

    @Inject
    public AuditService(AuditRepository repository) {
        this.repository = repository;
    }

    public Uni<Void> record(AuditEntry entry) {
        return repository.insert(entry);
    }

    /** One page; asks for one row more than the page to know whether an older page follows. */
    public Uni<AuditPage> page(AuditQuery query) {
        return repository.page(query, query.limit() + 1).map(rows -> {
            boolean hasMore = rows.size() > query.limit();
            List<AuditEntry> page = hasMore ? rows.subList(0, query.limit()) : rows;
            String next = hasMore ? PageCursor.encode(page.get(page.size() - 1).id()) : null;
            return new AuditPage(page, next, hasMore);
        });
    }
}
