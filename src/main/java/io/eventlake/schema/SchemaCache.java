package io.eventlake.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.schema.validation.CompiledSchema;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;

/**
 * Every registered schema, compiled once, for validating events without touching the database.
 * <p>
 * Several instances share one database, so a change registered on any of them must reach all: each
 * instance LISTENs on {@link SchemaRepository#CHANGES_CHANNEL} (the registration NOTIFYs in its
 * transaction) and reloads the type it names. Whenever the listening connection is (re)established the
 * whole registry is reloaded, so a notification missed while disconnected is never missed for long.
 * Validation waits for the first load ({@link #ready()}), so no event is judged against an empty cache.
 */
@ApplicationScoped
public class SchemaCache {

    private static final Logger LOG = Logger.getLogger(SchemaCache.class);

    /** The versions of one type, oldest first; replaced as a whole, never mutated. */
    public record TypeSchemas(NavigableMap<Integer, CompiledSchema> versions) {

        public Map.Entry<Integer, CompiledSchema> latest() {
            return versions.lastEntry();
        }

        public Optional<CompiledSchema> version(int version) {
            return Optional.ofNullable(versions.get(version));
        }
    }

    @Inject
    Pool pool;

    @Inject
    SchemaRepository repository;

    @Inject
    ObjectMapper mapper;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String url;

    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> username;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    @Inject
    SchemaCompilers compilers;
    private final Map<String, TypeSchemas> byType = new ConcurrentHashMap<>();
    /** Set when a load failed: the next wait for the first load tries again instead of keeping that failure. */
    private final AtomicBoolean firstLoadFailed = new AtomicBoolean();
    private final Uni<Void> firstLoad = Uni.createFrom().deferred(this::reloadAll)
            .onFailure().invoke(failure -> firstLoadFailed.set(true))
            .memoize().until(() -> firstLoadFailed.getAndSet(false));
    private PgSubscriber subscriber;

    void start(@Observes StartupEvent event) {
        PgConnectOptions options = PgConnectOptions.fromUri(url);
        username.ifPresent(options::setUser);
        password.ifPresent(options::setPassword);
        subscriber = PgSubscriber.subscriber(vertx, options)
                // Keep trying to listen again, every second, for as long as the service runs.
                .reconnectPolicy(attempt -> 1000L);
        subscriber.channel(SchemaRepository.CHANGES_CHANNEL)
                .subscribeHandler(ignored -> reloadAll().subscribe().with(x -> {
                }, failure -> LOG.warnf("EL0301 schema registry not reloaded after (re)connecting: %s", failure)))
                .handler(type -> reload(type).subscribe().with(x -> {
                }, failure -> LOG.warnf("EL0302 schema of type %s not reloaded: %s", type, failure)));
        subscriber.connect().onFailure(failure -> LOG.warnf("EL0303 cannot LISTEN for schema changes yet: %s", failure));
    }

    /** Whether this instance hears schema changes (its LISTEN connection is up). */
    public boolean listening() {
        PgSubscriber current = subscriber;
        return current != null && !current.closed() && current.actualConnection() != null;
    }

    @PreDestroy
    void stop() {
        if (subscriber != null) {
            subscriber.close();
        }
    }

    /**
     * Completes once the registry has been loaded at least once. A failed first load (the database briefly away)
     * fails only the callers waiting at that moment; the next caller starts a new load.
     */
    public Uni<Void> ready() {
        return firstLoad;
    }

    public Optional<TypeSchemas> of(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** Replaces what is cached for one type with what the database holds. */
    public Uni<Void> reload(String type) {
        return repository.versions(pool, type).invoke(versions -> put(type, versions)).replaceWithVoid();
    }

    private Uni<Void> reloadAll() {
        return repository.everything(pool).invoke(all -> {
            Map<String, List<StoredSchema>> grouped = new TreeMap<>();
            for (StoredSchema schema : all) {
                grouped.computeIfAbsent(schema.type(), t -> new ArrayList<>()).add(schema);
            }
            grouped.forEach(this::put);
            byType.keySet().retainAll(grouped.keySet());
            LOG.debugf("EL0304 schema registry loaded: %d types", grouped.size());
        }).replaceWithVoid();
    }

    private void put(String type, List<StoredSchema> versions) {
        if (versions.isEmpty()) {
            byType.remove(type);
            return;
        }
        TypeSchemas current = byType.get(type);
        NavigableMap<Integer, CompiledSchema> compiled = new TreeMap<>();
        for (StoredSchema stored : versions) {
            // Versions never change once registered: reuse what is already compiled.
            CompiledSchema known = current == null ? null : current.versions().get(stored.version());
            compiled.put(stored.version(), known != null ? known : compile(stored));
        }
        byType.put(type, new TypeSchemas(Collections.unmodifiableNavigableMap(compiled)));
    }

    private CompiledSchema compile(StoredSchema stored) {
        try {
            JsonNode schema = mapper.readTree(stored.schemaText());
            return compilers.compileStored(stored.type(), stored.version(), schema);
        } catch (Exception e) {
            // Only valid schemas are ever registered; this means the table was edited by hand.
            throw new IllegalStateException("EL0305 stored schema " + stored.type() + " v" + stored.version()
                    + " does not compile: " + e.getMessage(), e);
        }
    }
}
