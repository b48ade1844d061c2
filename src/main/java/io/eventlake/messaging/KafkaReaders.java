package io.eventlake.messaging;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Settings of the service's short-lived readers (a topic's tail, a record's timestamp, a partition ingest cannot
 * move): every consumer setting of {@code kafka.*} (bootstrap servers, and {@code security.protocol},
 * {@code sasl.*}, {@code ssl.*} on a secured cluster), bytes in, no group, no commits.
 */
public final class KafkaReaders {

    private KafkaReaders() {
    }

    /** Reader settings from the {@code default-kafka-broker} configuration, named {@code clientId}. */
    public static Map<String, Object> settings(Map<String, Object> kafkaConfig, String clientId) {
        Map<String, Object> props = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key)) {
                props.put(key, value);
            }
        });
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }
}
