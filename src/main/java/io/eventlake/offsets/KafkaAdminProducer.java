package io.eventlake.offsets;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import io.smallrye.common.annotation.Identifier;

/** One Kafka Admin client for the service, configured from the {@code kafka.*} settings. */
public class KafkaAdminProducer {

    @Produces
    @ApplicationScoped
    Admin admin(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        Map<String, Object> props = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                props.put(key, value);
            }
        });
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "eventlake-admin");
        return Admin.create(props);
    }

    void close(@Disposes Admin admin) {
        admin.close(Duration.ofSeconds(5));
    }
}
