package io.eventlake.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts one real Kafka broker for the {@code @QuarkusTest}s and points the application at it, and makes the
 * application trust the tests' identity provider ({@link TestIdentity}). Tests share the broker (it takes
 * seconds to start) and isolate themselves with unique topics and groups.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedKafkaBroker broker;
    private static KafkaTestClient client;

    @Override
    public synchronized Map<String, String> start() {
        if (broker == null) {
            broker = EmbeddedKafkaBroker.startEphemeral();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        }
        Map<String, String> settings = new HashMap<>(TestIdentity.serviceSettings());
        settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
        return settings;
    }

    @Override
    public void stop() {
        // shared across test classes; closed by the JVM shutdown hook
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = EmbeddedKafkaBroker.startEphemeral();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        }
        return broker.bootstrapServers();
    }

    /**
     * One plain client of the test broker (a producer and an admin, both thread-safe) for every test class: the
     * set-up each class used to repeat. Closed when the JVM exits, before the broker.
     */
    public static synchronized KafkaTestClient client() {
        if (client == null) {
            client = new KafkaTestClient(bootstrapServers());
            Runtime.getRuntime().addShutdownHook(new Thread(client::close));
        }
        return client;
    }
}
