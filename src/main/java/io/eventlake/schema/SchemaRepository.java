package io.eventlake.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.eventlake.config.CompatibilityLevel;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** The schema registry's tables. A type has few versions, so reading them all is bounded and cheap. */
@ApplicationScoped
public class SchemaRepository {

    /** Channel on which every instance hears of a schema change (payload: the event type). */
    public static final String CHANGES_CHANNEL = "eventlake_schema_changes";

    private static final String COLUMNS = "event_type, version, schema_text, fingerprint, created_by, created_at";

    /** Serializes registrations of one type across instances, until the transaction ends. */
    public Uni<Void> lockType(SqlConnection connection, String type) {
        return connection.preparedQuery("select pg_advisory_xact_lock(hashtext('eventlake.schema:' || $1))")
                .execute(Tuple.of(type)).replaceWithVoid();
    }

    public Uni<Optional<StoredSchema>> byFingerprint(SqlClient client, String type, String fingerprint) {
        return client.preparedQuery("select " + COLUMNS + " from schema_version where event_type = $1 and fingerprint = $2")
                .execute(Tuple.of(type, fingerprint)).map(rows -> first(rows));
    }

    /** Every version of a type, oldest first. */
    public Uni<List<StoredSchema>> versions(SqlClient client, String type) {
        return client.preparedQuery("select " + COLUMNS + " from schema_version where event_type = $1 order by version")
                .execute(Tuple.of(type)).map(SchemaRepository::all);
    }

    public Uni<Optional<StoredSchema>> version(SqlClient client, String type, int version) {
        return client.preparedQuery("select " + COLUMNS + " from schema_version where event_type = $1 and version = $2")
                .execute(Tuple.of(type, version)).map(rows -> first(rows));
    }

    public Uni<Optional<StoredSchema>> latest(SqlClient client, String type) {
        return client.preparedQuery("select " + COLUMNS + " from schema_version where event_type = $1 "
                + "order by version desc limit 1").execute(Tuple.of(type)).map(rows -> first(rows));
    }

    /** Every version of every type, for the in-memory cache; ordered by type, then version. */
    public Uni<List<StoredSchema>> everything(SqlClient client) {
        return client.query("select " + COLUMNS + " from schema_version order by event_type, version").execute()
                .map(SchemaRepository::all);
    }

    public Uni<StoredSchema> insert(SqlConnection connection, String type, int version, String schemaText,
            String fingerprint, String createdBy) {
        return connection
                .preparedQuery("insert into schema_version (event_type, version, schema_text, fingerprint, created_by) "
                        + "values ($1, $2, $3, $4, $5) returning " + COLUMNS)
                .execute(Tuple.of(type, version, schemaText, fingerprint, createdBy))
                .map(rows -> toSchema(rows.iterator().next()));
    }

    /** Tells every instance (this one included) that a type changed; delivered when the transaction commits. */
    public Uni<Void> notifyChange(SqlConnection connection, String type) {
        return connection.preparedQuery("select pg_notify('" + CHANGES_CHANNEL + "', $1)").execute(Tuple.of(type))
                .replaceWithVoid();
    }

    public Uni<Optional<CompatibilityLevel>> compatibility(SqlClient client, String type) {
        return client.preparedQuery("select compatibility from schema_type where event_type = $1").execute(Tuple.of(type))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(CompatibilityLevel.valueOf(rows.iterator().next().getString(0))));
    }

    public Uni<Void> setCompatibility(SqlClient client, String type, CompatibilityLevel level, String by) {
        return client.preparedQuery("""
                insert into schema_type (event_type, compatibility, updated_by) values ($1, $2, $3)
                on conflict (event_type) do update set compatibility = excluded.compatibility,
                    updated_by = excluded.updated_by, updated_at = now()
                """).execute(Tuple.of(type, level.name(), by)).replaceWithVoid();
    }

    /** Each registered type: its latest version, its number of versions, its compatibility level if set. */
    public Uni<List<TypeSummaryRow>> types(SqlClient client) {
        return client.query("""
                select v.event_type, max(v.version), count(*), t.compatibility
                from schema_version v left join schema_type t on t.event_type = v.event_type
                group by v.event_type, t.compatibility order by v.event_type
                """).execute().map(rows -> {
            List<TypeSummaryRow> types = new ArrayList<>();
            for (Row row : rows) {
                types.add(new TypeSummaryRow(row.getString(0), row.getInteger(1), row.getLong(2).intValue(),
                        row.getString(3) == null ? null : CompatibilityLevel.valueOf(row.getString(3))));
            }
            return types;
        });
    }

    public record TypeSummaryRow(String type, int latestVersion, int versions, CompatibilityLevel compatibility) {
    }

    private static Optional<StoredSchema> first(RowSet<Row> rows) {
        return rows.size() == 0 ? Optional.empty() : Optional.of(toSchema(rows.iterator().next()));
    }

    private static List<StoredSchema> all(RowSet<Row> rows) {
        List<StoredSchema> schemas = new ArrayList<>(rows.size());
        rows.forEach(row -> schemas.add(toSchema(row)));
        return schemas;
    }

    private static StoredSchema toSchema(Row row) {
        return new StoredSchema(row.getString(0), row.getInteger(1), row.getString(2), row.getString(3), row.getString(4),
                row.getOffsetDateTime(5));
    }
}
