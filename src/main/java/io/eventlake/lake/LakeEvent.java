package io.eventlake.lake;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.ColumnTransformer;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * An event in the lake, as read back. Rows are written by {@link LakeWriteRepository} (batched, idempotent) and never
 * updated, so the entity is read-only in practice. Columns are defined by the Flyway migrations.
 */
@Entity
@Table(name = "lake_event")
public class LakeEvent extends PanacheEntityBase {

    @Id
    @Column(name = "seq", insertable = false, updatable = false)
    public Long seq;

    public String source;

    @Column(name = "event_id")
    public String eventId;

    public String type;

    public String stream;

    @Column(name = "event_key")
    public String eventKey;

    @Column(name = "event_time")
    public OffsetDateTime eventTime;

    @Column(name = "ingested_at")
    public OffsetDateTime ingestedAt;

    @Column(name = "content_type")
    public String contentType;

    @Column(name = "data_schema")
    public String dataSchema;

    /**
     * The JSON payload as text. The column is jsonb; it is read as its text so that any JSON value (an object,
     * but also a number, an array, a string, a boolean or null) comes back as written, never decoded into a Java
     * object first. Only read here: events are written by {@link LakeWriteRepository}.
     */
    @ColumnTransformer(read = "data::text")
    @Column(name = "data", insertable = false, updatable = false)
    public String data;

    @Column(name = "source_topic")
    public String sourceTopic;

    @Column(name = "source_partition")
    public Integer sourcePartition;

    @Column(name = "source_offset")
    public Long sourceOffset;

    /** The version of its type's schema the event matched; null when its type had no schema. */
    @Column(name = "schema_version")
    public Integer schemaVersion;
}
