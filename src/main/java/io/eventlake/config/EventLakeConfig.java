package io.eventlake.config;

import java.util.Map;
import java.util.Optional;

import io.eventlake.schema.UnknownTypePolicy;
import io.eventlake.schema.compatibility.CompatibilityLevel;
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

    Schema schema();

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
         * How many times a batch whose lake write or forward failed is retried (with back-off) before the
         * ingest channel gives up and reports itself unhealthy. The batch is never acknowledged until it
         * succeeds, so nothing is lost.
         */
        @WithDefault("10")
        int maxRetries();
    }

    interface Forward {
        /**
         * Clean topics are named after the stream of an event: this prefix, then the stream. The stream is
         * the event type without its last dot-separated segment ({@code rental.updated} goes to stream
         * {@code rental}, topic {@code clean.rental}), so every change of one resource stays in one topic,
         * in order per key.
         */
        @WithDefault("clean.")
        String topicPrefix();
    }

    interface DeadLetter {
        /** Topic that receives a copy of every dead letter, with headers naming its source and reason. */
        @WithDefault("eventlake.dead-letters")
        String topic();
    }

    interface Http {
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

        /** The policy for types without a schema in this stream. */
        default UnknownTypePolicy unknownTypePolicyOf(String stream) {
            StreamSchema settings = streams().get(stream);
            return settings == null ? unknownTypePolicy() : settings.unknownTypePolicy().orElse(unknownTypePolicy());
        }
    }
}
