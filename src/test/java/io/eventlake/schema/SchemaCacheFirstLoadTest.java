package io.eventlake.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * The first load of the registry: one database error during it fails the callers waiting then, and the next
 * caller loads again (before, the failure was kept and ingest and {@code POST /events} failed until a restart).
 * A unit test of the cache alone: the repository is a stand-in that fails its first read.
 */
class SchemaCacheFirstLoadTest {

    @Test
    void aFailedFirstLoadIsTriedAgainByTheNextCaller() {
        AtomicInteger reads = new AtomicInteger();
        SchemaCache cache = new SchemaCache();
        cache.mapper = new ObjectMapper();
        cache.repository = new SchemaRepository() {
            @Override
            public Uni<List<StoredSchema>> everything(SqlClient client) {
                return reads.incrementAndGet() == 1
                        ? Uni.createFrom().failure(new IllegalStateException("connection refused"))
                        : Uni.createFrom().item(List.of());
            }
        };

        assertThatThrownBy(() -> cache.ready().await().atMost(Duration.ofSeconds(5)))
                .hasMessageContaining("connection refused");
        cache.ready().await().atMost(Duration.ofSeconds(5));
        cache.ready().await().atMost(Duration.ofSeconds(5));
        assertThat(reads).as("loaded again once after the failure, then kept").hasValue(2);
    }
}
