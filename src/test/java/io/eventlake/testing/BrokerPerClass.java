package io.eventlake.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real broker of its own for one integration-test class, started before its tests and stopped after them, with a
 * plain client of it: {@code @RegisterExtension static final BrokerPerClass broker = new BrokerPerClass();}. The ITs
 * whose broker needs more (a secured listener, a restart) start theirs themselves.
 */
public final class BrokerPerClass implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafkaBroker broker;
    private KafkaTestClient client;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafkaBroker.startEphemeral();
        client = new KafkaTestClient(broker.bootstrapServers());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        client.close();
        broker.close();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public KafkaTestClient client() {
        return client;
    }
}
