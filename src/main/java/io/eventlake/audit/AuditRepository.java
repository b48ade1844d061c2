package io.eventlake.audit;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** SQL of {@code audit_entry}. */
@ApplicationScoped
public class AuditRepository {

    private static final String COLUMNS = """
            id, at, subject, name, client_id, roles, operation, method, path, target, summary, status, outcome
            """;

    private final Pool pool;

    @Inject
    public AuditRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(AuditEntry entry) {
        return pool.preparedQuery("""
                insert into audit_entry (subject, name, client_id, roles, operation, method, path, target, summary,
                                         status, outcome)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                """).execute(Tuple.from(new Object[] { entry.subject(), entry.name(), entry.clientId(),
                entry.roles().toArray(String[]::new), entry.operation(), entry.method(), entry.path(), entry.target(),
                entry.summary(), entry.status(), entry.outcome().name() }))
                .replaceWithVoid();
    }

    /** Newest first, {@code limit} rows at most. */
    public Uni<List<AuditEntry>> page(AuditQuery query, int limit) {
        return pool.preparedQuery("select " + COLUMNS + """
                from audit_entry
                where ($1::bigint = 0 or id < $1)
                  and ($2::text is null or subject = $2)
                  and ($3::text is null or operation = $3)
                  and ($4::text is null or outcome = $4)
                  and ($5::timestamptz is null or at >= $5)
                  and ($6::timestamptz is null or at < $6)
                order by id desc
                limit $7
                """).execute(Tuple.from(new Object[] { query.beforeId(), query.subject(), query.operation(),
                query.outcome() == null ? null : query.outcome().name(), query.from(), query.to(), limit }))
                .map(rows -> {
                    List<AuditEntry> entries = new ArrayList<>();
                    for (Row row : rows) {
                        entries.add(toEntry(row));
                    }
                    return entries;
                });
    }

    private static AuditEntry toEntry(Row row) {
        return new AuditEntry(row.getLong("id"), row.getOffsetDateTime("at"), row.getString("subject"),
                row.getString("name"), row.getString("client_id"), List.of(row.getArrayOfStrings("roles")),
                row.getString("operation"), row.getString("method"), row.getString("path"), row.getString("target"),
                row.getString("summary"), row.getInteger("status"), AuditOutcome.valueOf(row.getString("outcome")));
    }
}
