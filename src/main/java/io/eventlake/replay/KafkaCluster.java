package io.eventlake.replay;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;

/** The id of the Kafka cluster this instance is attached to, asked once (blocking) and then remembered. */
@ApplicationScoped
public class KafkaCluster {

    @Inject
    Admin admin;

    private volatile String id;

    /** Blocking the first time: call it at start-up or from a worker thread. */
    public String id() {
        String known = id;
        if (known == null) {
            try {
                known = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the Kafka cluster id: " + e, e);
            }
            id = known;
        }
        return known;
    }
}
