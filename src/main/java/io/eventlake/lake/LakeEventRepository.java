package io.eventlake.lake;

import java.util.ArrayList;
import java.util.List;

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

    public Uni<List<LakeEvent>> byEventId(String eventId, String source) {
        if (source != null) {
            return list("eventId = ?1 and source = ?2", eventId, source);
        }
        return find("eventId = ?1 order by seq", eventId).range(0, 1).list();
    }
}
