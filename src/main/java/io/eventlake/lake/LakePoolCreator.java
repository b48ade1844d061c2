package io.eventlake.lake;

import java.util.List;

import jakarta.inject.Singleton;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.spi.PgDriver;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Creates the service's PostgreSQL pools (Quarkus' pool, and the readers' one through {@link #create(Vertx,
 * PoolOptions, List)}), with one change to Vert.x's defaults: no connection-wait timer.
 * <p>
 * Why: in Vert.x 4.5 a query run on a pool arms that timer (30 s by default) and does not cancel it when getting
 * a connection fails (eclipse-vertx/vertx-sql-client#1706). During a database outage every failed query then
 * ended, half a minute later, in an uncaught {@code IllegalStateException: Result is already complete}.
 * <p>
 * A wait still ends without the timer: a connection that cannot be made fails its waiter at once (refused) or
 * after {@link #CONNECT_TIMEOUT_MS} (a host that does not answer), and at most {@link #MAX_WAITING} requests
 * wait for a connection; beyond that a request gets a 503 at once.
 */
@Singleton
public class LakePoolCreator implements PgPoolCreator {

    /** How long opening one connection may take before its waiters fail. */
    static final int CONNECT_TIMEOUT_MS = 10_000;

    /** Queries waiting for a connection of one pool, at most. */
    static final int MAX_WAITING = 1_000;

    /** The name of Quarkus' pool in the {@code sql_pool_*} meters (the readers' pool is {@code readers}). */
    static final String LAKE_POOL_NAME = "lake";

    @Override
    public Pool create(Input input) {
        PoolOptions options = input.poolOptions();
        if (PoolOptions.DEFAULT_NAME.equals(options.getName())) {
            options.setName(LAKE_POOL_NAME);
        }
        return create(input.vertx(), options, input.pgConnectOptionsList());
    }

    /** A pool with these options, minus the connection-wait timer (see above). */
    public static Pool create(Vertx vertx, PoolOptions options, List<PgConnectOptions> databases) {
        options.setConnectionTimeout(0).setMaxWaitQueueSize(MAX_WAITING);
        for (PgConnectOptions database : databases) {
            database.setConnectTimeout(CONNECT_TIMEOUT_MS);
        }
        return PgDriver.INSTANCE.createPool(vertx, databases, options);
    }
}
