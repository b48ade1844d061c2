package io.eventlake.lake;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;

/** Reads of the lake. Every query pages by seq, using the (filter, seq) indexes of the migrations. */
@ApplicationScoped
public class LakeEventRepository implements PanacheRepositoryBase<LakeEvent, Long> {

    public Uni<List<LakeEvent>> page(EventQuery query) {
        List<String> where = new ArrayList<>();
        Parameters params = Parameters.with("after", query.afterSeq());
        where.add("seq > :after");
        if (query.type() != null) {
            where.add("type = :type");
            params.and("type", query.type());
        }
        if (query.key() != null) {
            where.add("eventKey = :key");
            params.and("key", query.key());
        }
        if (query.streams() != null) {
            where.add("stream in :streams");
            params.and("streams", query.streams());
        }
        if (query.from() != null) {
            where.add("eventTime >= :from");
            params.and("from", query.from());
        }
        if (query.to() != null) {
            where.add("eventTime < :to");
            params.and("to", query.to());
        }
        return find(String.join(" and ", where) + " order by seq", params).range(0, query.limit() - 1).list();
    }

    /** The events with this id (of this source), among the given streams ({@code null}: every stream). */
    public Uni<List<LakeEvent>> byEventId(String eventId, String source, Set<String> streams) {
        String inStreams = streams == null ? "" : " and stream in :streams";
        Parameters params = Parameters.with("id", eventId);
        if (streams != null) {
            params.and("streams", streams);
        }
        if (source != null) {
            return list("eventId = :id and source = :source" + inStreams, params.and("source", source));
        }
        return find("eventId = :id" + inStreams + " order by seq", params).range(0, 1).list();
    }
}
