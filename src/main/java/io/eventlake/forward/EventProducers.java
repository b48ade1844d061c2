package io.eventlake.forward;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Settings of the producers that write events (forward, replay): the {@code kafka.*} configuration over
 * defaults for an idempotent, acks=all producer of CloudEvents records (String key, byte[] value).
 */
public final class EventProducers {

    private EventProducers() {
    }

    public static Map<String, Object> settings(Map<String, Object> kafkaConfig, String clientId) {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.putIfAbsent("client.id", clientId);
        props.putIfAbsent("acks", "all");
        props.putIfAbsent("enable.idempotence", "true");
        props.putIfAbsent("linger.ms", "5");
        props.putIfAbsent("batch.size", "131072");
        // No compression by default: on loopback and small machines CPU is scarcer than bandwidth.
        props.putIfAbsent("compression.type", "none");
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        return props;
    }
}
