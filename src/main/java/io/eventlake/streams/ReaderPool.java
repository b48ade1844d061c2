package io.eventlake.streams;

import java.util.List;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.lake.LakePoolCreator;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * The database connections of snapshot and event-stream readers, apart from the pool ingest, the registry and
 * the operator endpoints use ({@code eventlake.readers.max-connections}). A snapshot keeps its connection for as
 * long as its client reads; slow clients then wait for one of these, never for one of ingest's.
 */
@ApplicationScoped
public class ReaderPool {

    private final Pool pool;

    @Inject
    public ReaderPool(Vertx vertx, EventLakeConfig config, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
            @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
            @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        PgConnectOptions options = PgConnectOptions.fromUri(url);
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        PoolOptions poolOptions = new PoolOptions().setMaxSize(config.readers().maxConnections()).setName("readers");
        this.pool = Pool.newInstance(LakePoolCreator.create(vertx, poolOptions, List.of(options)));
    }

    public Pool pool() {
        return pool;
    }

    @PreDestroy
    void close() {
        pool.closeAndForget();
    }
}
