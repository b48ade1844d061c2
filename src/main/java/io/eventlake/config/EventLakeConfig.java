package io.eventlake.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every setting of Event Lake, under the {@code eventlake} prefix. Kafka and datasource settings stay
 * under the standard Quarkus keys ({@code kafka.bootstrap.servers}, {@code quarkus.datasource.*}).
 */
@ConfigMapping(prefix = "eventlake")
public interface EventLakeConfig {

    Ingest ingest();

    Forward forward();

    DeadLetter deadLetter();

    Http http();

    Readers readers();

    Schema schema();

    Compaction compaction();

    Lake lake();

    Streams streams();

    Replay replay();

    Security security();

    Metrics metrics();

    ConsumerGroups consumerGroups();

    Console console();

    interface Ingest {
        /**
         * Regular expression of the topics to ingest. Topics created later that match it are picked up
         * without restart (within {@code metadata.max.age.ms} of the ingest channel, 5 s by default).
         * The ingest channel's {@code topic} is set from it in application.properties.
         */
        String topicPattern();

        /**
         * Header that carries the event type of a plain JSON record (one without CloudEvents attributes).
         */
        @WithDefault("event-type")
        String typeHeader();

        /**
         * Header that carries the event id of a plain JSON record. Without it, the id falls back to
         * {@code topic/partition/offset}, which still makes a redelivered record idempotent.
         */
        @WithDefault("event-id")
        String idHeader();

        /**
         * How many times a batch whose lake write or forward failed is retried (with back-off, at most 5 s
         * apart) before the ingest channel gives up and reports itself unhealthy; -1 (the default): until it goes
         * through, so that no outage, however long, needs a restart. The batch is never acknowledged until it
         * succeeds, so nothing is lost; readiness is DOWN while it waits.
         */
        @WithDefault("-1")
        int maxRetries();

        /**
         * How far ahead of the service's clock an event's time may be. An event dated later (a producer's clock or
         * time zone gone wrong, a date in 2099) becomes a dead letter with the reason {@code TIME_IN_FUTURE}
         * instead of superseding every real later update of its key; {@code POST /events} refuses it with a 422.
         * It can be redriven once its time has come, or after the producer fixed it.
         */
        @WithDefault("PT5M")
        Duration maxFutureSkew();

        /**
         * How long an ingest partition may hold records without ingest's committed offset moving, while no batch is
         * failing, before it counts as stalled: ingest cannot read it (a codec the service lacks, a corrupt batch,
         * a topic it may not read). Readiness then names the partition and why.
         */
        @WithDefault("PT2M")
        Duration stallAfter();

        /** How often the ingest partitions' committed offsets are compared with their log ends. */
        @WithDefault("PT30S")
        Duration stallCheckInterval();

        /**
         * How many transactions store one batch at once, each on its own connection of the lake pool. A batch is
         * split by partition ({@code StoreLanes}), so each partition's events, and so each key's, are stored in
         * order in one transaction and the lake keeps each partition's order; the batch counts as stored once
         * every lane committed. More than one lets PostgreSQL work on a batch with more than one core; 1 stores
         * each batch in one transaction. At most 8 (each lane holds a connection of the lake pool, whose size is
         * {@code quarkus.datasource.reactive.max-size}, 8 by default).
         */
        @WithDefault("2")
        int storeLanes();
    }

    interface Forward {
        /**
         * Clean topics are named after the stream of an event: this prefix, then the stream. The stream is
         * the event type without its last dot-separated segment ({@code rental.updated} goes to stream
         * {@code rental}, topic {@code clean.rental}), so every change of one resource stays in one topic,
         * in order per key. An event that matches a {@link #routes() route} goes to the route's topics instead.
         */
        @WithDefault("clean.")
        String topicPrefix();

        /**
         * Routes by event type, e.g. {@code eventlake.forward.route."rental-state".types=rental.*} and
         * {@code eventlake.forward.route."rental-state".topics=rental.state,rental.audit}. An event goes to
         * the topics of every route it matches, else to its stream's topic.
         */
        @WithName("route")
        Map<String, Route> routes();

        /**
         * Settings of clean topics, by topic name, e.g. {@code eventlake.forward.topic."rental.state".compacted=true}.
         * The service creates each configured topic at start-up or checks the existing one against them.
         */
        @WithName("topic")
        Map<String, TopicSettings> topics();

        /** Partitions of a clean topic the service creates without settings of its own. */
        @WithDefault("4")
        int defaultPartitions();

        /**
         * What to do at start-up when an existing topic differs from its settings: {@code fail} (refuse to
         * start, listing every difference) or {@code warn} (log them and go on).
         */
        @WithDefault("fail")
        TopicMismatchPolicy onTopicMismatch();

        interface Route {
            /**
             * Event types this route takes: an exact type ({@code rental.updated}), a prefix ending in
             * {@code *} ({@code rental.*}), or a regular expression after {@code regex:}.
             */
            List<String> types();

            /** Topics every matching event is forwarded to. */
            List<String> topics();
        }

        interface TopicSettings {
            /** Partitions; default {@code eventlake.forward.default-partitions}. */
            OptionalInt partitions();

            /** {@code cleanup.policy=compact}: tombstones are forwarded as records with a null value. */
            @WithDefault("false")
            boolean compacted();

            /** {@code retention.ms}; default: the broker's. */
            Optional<Duration> retention();

            /** Replication factor of a topic the service creates; default: the broker's. */
            OptionalInt replicationFactor();
        }

        enum TopicMismatchPolicy {
            FAIL,
            WARN
        }
    }

    interface DeadLetter {
        /** Topic that receives a copy of every dead letter, with headers naming its source and reason. */
        @WithDefault("eventlake.dead-letters")
        String topic();

        /**
         * The most dead letters one {@code POST /dead-letters/redrive} goes through; a filter that matches more is
         * redriven in several calls, each going on after the last one's {@code lastId}, so no request does unbounded
         * work: each redrive is a transaction and a send to the broker, about 15 ms, so some 8 s a call.
         */
        @WithDefault("500")
        int redriveBatch();

        /**
         * The most dead letters a bulk redrive counts one by one for its {@code matched}; beyond, the figure is the
         * planner's estimate ({@code matchedEstimated}), so a dry run reads a bounded number of rows however many match.
         */
        @WithDefault("10000")
        int exactCountLimit();
    }

    interface Readers {
        /**
         * Database connections of the readers of snapshots and event streams, a pool apart from ingest's: however
         * many and however slow the readers, ingest keeps its own connections.
         */
        @WithDefault("4")
        int maxConnections();

        /**
         * Snapshots and event streams open at once; one more is answered 503 with {@code Retry-After}, so readers
         * cannot pile up without bound.
         */
        @WithDefault("32")
        int maxOpen();
    }

    interface Metrics {
        /**
         * Names a meter tag built from a name producers or operators choose (a stream, a replay's target topic)
         * may take, at most, per tag; later names are counted under {@code other}, so no producer can grow the
         * metric registry without bound. Streams configured under {@code eventlake.schema.stream} or
         * {@code eventlake.compaction.stream} always keep their own name.
         */
        @WithDefault("1000")
        int maxTagValues();

        /**
         * How often the state gauges (dead letters pending by reason, replay jobs by state and the running jobs'
         * progress) are read from the database: each read is a few grouped counts.
         */
        @WithDefault("PT15S")
        Duration sampleInterval();
    }

    interface ConsumerGroups {
        /**
         * How often every consumer group's lag is read from the broker (its committed offsets beside the log ends: four
         * Admin calls for all groups, plus one record read per partition whose committed offset moved while behind),
         * for the lag gauges and the groups' status.
         */
        @WithDefault("PT30S")
        Duration sampleInterval();

        /**
         * The window a group's status is judged over, like Burrow's: a group with members whose committed offsets do
         * not move for this long while it lags is STALLED; one whose lag grows at every sample over it is WARN.
         */
        @WithDefault("PT5M")
        Duration statusWindow();

        /**
         * Consumer groups sampled, at most (the service's ingest group first, then by name); the rest get no gauges
         * and are logged once ({@code EL1002}), so a cluster with many groups cannot grow the registry without bound.
         */
        @WithDefault("200")
        int maxGroups();
    }

    interface Console {
        /** How often the overview's figures and charts take a sample of the meters (rates, latency). */
        @WithDefault("PT5S")
        Duration sampleInterval();

        /** How many samples the overview's charts keep (at 5 s, 10 minutes). */
        @WithDefault("120")
        int samplesKept();

        /**
         * The identity provider the console signs in with (authorization code with PKCE in the browser), e.g.
         * {@code https://idp.example.com/realms/acme}; unset, the console takes a pasted token (bin/token's).
         */
        Optional<String> oidcAuthority();

        /** The public client the console signs in as at that provider. */
        @WithDefault("event-lake-console")
        String oidcClientId();

        /** The scopes the console asks for. */
        @WithDefault("openid")
        String oidcScope();
    }

    interface Http {
        /**
         * Largest body, in bytes, of the operations that take a small JSON body (replays, subscriptions, resets,
         * redrives, compactions, compatibility); a larger one is refused with 413 before it is read.
         */
        @WithDefault("65536")
        int maxRequestBytes();

        /** Largest body {@code POST /events} accepts, in bytes; a larger one is refused with 413. */
        @WithDefault("1048576")
        int maxBodyBytes();

        /** Largest number of events one {@code POST /events} may carry; more is refused with 413. */
        @WithDefault("500")
        int maxBatchSize();

        /** Largest page {@code GET /events} returns, whatever {@code limit} asks for. */
        @WithDefault("1000")
        int maxPageSize();

        /** Page size of {@code GET /events} when the caller gives no {@code limit}. */
        @WithDefault("100")
        int defaultPageSize();

        /**
         * Topic that HTTP-ingested events are published to, so that they take the same pipeline as every
         * other event. It must match the ingest topic pattern.
         */
        @WithDefault("ingest.http")
        String ingestTopic();
    }

    interface Schema {
        /**
         * Compatibility level of a type that has none set ({@code PUT /schemas/{type}/compatibility}):
         * BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE.
         */
        @WithDefault("BACKWARD")
        CompatibilityLevel defaultCompatibility();

        /**
         * What happens to an event whose type has no registered schema: {@code accept} stores it unvalidated
         * (its schema version stays empty), {@code reject} makes it a dead letter ({@code UNKNOWN_TYPE}) and
         * refuses it over HTTP. Streams may override it.
         */
        @WithDefault("accept")
        UnknownTypePolicy unknownTypePolicy();

        /** Per-stream settings, e.g. {@code eventlake.schema.stream."rental".unknown-type-policy=reject}. */
        @WithName("stream")
        Map<String, StreamSchema> streams();

        interface StreamSchema {
            /** Overrides {@code eventlake.schema.unknown-type-policy} for this stream. */
            Optional<UnknownTypePolicy> unknownTypePolicy();
        }

        /**
         * Whether {@code format} is checked: {@code always} (the default, in every dialect), {@code vocabulary} (as
         * the specification says: an annotation in draft 2020-12 and 2019-09, whose bundled metaschemas declare the
         * format-annotation vocabulary; checked in draft 7), or {@code never}. Types may override it.
         */
        @WithDefault("always")
        FormatAssertion formatAssertion();

        /** Per-type settings, e.g. {@code eventlake.schema.type."rental.updated".format-assertion=vocabulary}. */
        @WithName("type")
        Map<String, TypeSchema> types();

        interface TypeSchema {
            /** Overrides {@code eventlake.schema.format-assertion} for this type. */
            Optional<FormatAssertion> formatAssertion();
        }

        /** The policy for types without a schema in this stream. */
        default UnknownTypePolicy unknownTypePolicyOf(String stream) {
            StreamSchema settings = streams().get(stream);
            return settings == null ? unknownTypePolicy() : settings.unknownTypePolicy().orElse(unknownTypePolicy());
        }
    }

    interface Streams {
        /**
         * Events read from the lake per page of an HTTP event stream (and held in memory at most, about 2.5 MB a
         * stream at 1,000 events of 1 KB); a page is one query and one write to the client, so larger pages stream
         * faster (bench/replay.sh: 45,600 events/s at 500, 51,800 at 1,000).
         */
        @WithDefault("1000")
        int pageSize();

        /** How often a caught-up {@code follow=true} stream looks for new events. */
        @WithDefault("PT0.5S")
        Duration followPollInterval();

        /**
         * Keys of one stream of the view counted one by one by {@code GET /streams} and when a history compaction
         * starts; a stream with more has its live and deleted keys estimated from them ({@code keysEstimated},
         * {@code keysTotalEstimated}), so either reads a bounded number of rows per stream however large the view.
         */
        @WithDefault("10000")
        int exactCountLimit();
    }

    interface Replay {
        /** Events read from the lake and sent per step of a replay job; its checkpoint advances per step. */
        @WithDefault("1000")
        int batchSize();

        /**
         * How long a running job stays claimed by its instance without a sign of life; after it another
         * instance (or this one, restarted) takes the job over from its checkpoint.
         */
        @WithDefault("PT30S")
        Duration lease();

        /** How often each instance looks for jobs to run. */
        @WithDefault("PT1S")
        Duration pollInterval();

        /**
         * Events of one stream a history job counts one by one when it is created (a snapshot: live keys); a stream
         * with more has the rest estimated (the job's {@code totalEstimated}), so creating a job (or a subscription's
         * backfill) reads a bounded number of rows however long the stream's history or large its view. A job that
         * goes through ends with the exact figure.
         */
        @WithDefault("10000")
        int exactCountLimit();
    }

    interface Lake {
        /**
         * Events per partition of the lake (a range of seq each). Each partition has its own indexes, so appends
         * touch only the newest ones however large the lake grows; smaller partitions mean more of them for a
         * query that spans the whole lake (by key, by type) to look into. Changing it applies to partitions
         * created from then on.
         */
        @WithDefault("10000000")
        long partitionSize();

        /**
         * How often each instance makes sure a whole partition lies ahead of the lake's sequence, creating the
         * next ones when it does not (an append that finds none creates it too, then is retried).
         */
        @WithDefault("PT1M")
        Duration partitionCheckInterval();

        /** How often each instance deletes, per stream with a retention, the events past it. */
        @WithDefault("PT1H")
        Duration retentionInterval();

        /**
         * Events of a stream a retention run looks at per statement (each its own short transaction, so a run never
         * holds many locks or much memory, and ingest goes on beside it).
         */
        @WithDefault("1000")
        int retentionBatchSize();

        /** Per-stream settings, e.g. {@code eventlake.lake.stream."clicks".retention=P90D}. */
        @WithName("stream")
        Map<String, StreamLake> streams();

        interface StreamLake {
            /**
             * How long the stream's events stay in the lake after they arrived; older ones are deleted, except the
             * latest event of each key, so the latest-per-key view and snapshot replays stay whole. Events without a
             * key go too. Kept forever when not set.
             */
            Optional<Duration> retention();
        }

        /** The streams with a retention, and theirs. */
        default Map<String, Duration> retentions() {
            Map<String, Duration> retentions = new TreeMap<>();
            streams().forEach((stream, settings) -> settings.retention().ifPresent(r -> retentions.put(stream, r)));
            return retentions;
        }
    }

    interface Compaction {
        /**
         * What orders the events of one key, as a JSON pointer into the payload ({@code /updated_at} or
         * {@code /version}): a number, or an RFC 3339 timestamp. Without it, or when an event lacks it, events
         * are ordered by event time, then by arrival. Streams may override it.
         */
        Optional<String> versionField();

        /** Type suffixes that make an event a delete (tombstone) of its key. */
        @WithDefault(".deleted,_destroyed")
        List<String> tombstoneSuffixes();

        /** Whether a Kafka record with a null value is a delete (tombstone) of its key. */
        @WithDefault("true")
        boolean nullValueIsTombstone();

        /** How long history compaction keeps a tombstone after it became old enough to compact. */
        @WithDefault("P1D")
        Duration tombstoneRetention();

        /** How often the background job looks for streams whose history is due for compaction. */
        @WithDefault("PT1H")
        Duration interval();

        /** Keys a history compaction handles per transaction. */
        @WithDefault("500")
        int batchKeys();

        /** Per-stream settings, e.g. {@code eventlake.compaction.stream."rental".history-after=P30D}. */
        @WithName("stream")
        Map<String, StreamCompaction> streams();

        interface StreamCompaction {
            /** Overrides {@code eventlake.compaction.version-field}. */
            Optional<String> versionField();

            /** Overrides {@code eventlake.compaction.tombstone-suffixes}. */
            Optional<List<String>> tombstoneSuffixes();

            /** Overrides {@code eventlake.compaction.null-value-is-tombstone}. */
            Optional<Boolean> nullValueIsTombstone();

            /**
             * Turns history compaction on: events older than this (by arrival in the lake) are removed unless
             * they are the latest of their key. Off when not set.
             */
            Optional<Duration> historyAfter();

            /** Overrides {@code eventlake.compaction.tombstone-retention}. */
            Optional<Duration> tombstoneRetention();
        }

        default Optional<StreamCompaction> stream(String stream) {
            return Optional.ofNullable(streams().get(stream));
        }

        default Optional<String> versionFieldOf(String stream) {
            return stream(stream).flatMap(StreamCompaction::versionField).or(this::versionField);
        }

        default List<String> tombstoneSuffixesOf(String stream) {
            return stream(stream).flatMap(StreamCompaction::tombstoneSuffixes).orElse(tombstoneSuffixes());
        }

        default boolean nullValueIsTombstoneOf(String stream) {
            return stream(stream).flatMap(StreamCompaction::nullValueIsTombstone).orElse(nullValueIsTombstone());
        }

        default Duration tombstoneRetentionOf(String stream) {
            return stream(stream).flatMap(StreamCompaction::tombstoneRetention).orElse(tombstoneRetention());
        }
    }

    /**
     * Who may call what. Tokens are verified by smallrye-jwt ({@code mp.jwt.verify.publickey.location} = the
     * identity provider's JWKS URL, {@code mp.jwt.verify.issuer}, {@code mp.jwt.verify.audiences}); roles come
     * from the claim {@code smallrye.jwt.path.groups} names ({@code realm_access/roles} for Keycloak). These
     * settings name the claims Event Lake reads beside the roles.
     */
    interface Security {
        /**
         * Claim that lists the streams a token may reach (a JSON array, or one space-separated string). A
         * token without it reaches every stream its roles allow; a partner's token carries it.
         */
        @WithDefault("streams")
        String streamsClaim();

        /**
         * Claim that lists the event sources a producer may post under over HTTP (exact, or a prefix ending
         * in {@code *}). A token without it may post only under its own source:
         * {@link #clientSourcePrefix()} followed by its client id.
         */
        @WithDefault("sources")
        String sourcesClaim();

        /**
         * Claims that name the calling client, first one present wins ({@code azp} for Keycloak, Okta and
         * Auth0, {@code client_id} for several others, {@code appid} for Entra ID v1); else the subject.
         */
        @WithDefault("azp,client_id,appid")
        List<String> clientIdClaims();

        /** The source of an HTTP event posted by a client whose token names no sources: this, then the client id. */
        @WithDefault("eventlake/http/")
        String clientSourcePrefix();
    }
}
