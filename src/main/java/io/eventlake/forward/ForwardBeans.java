package io.eventlake.forward;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.eventlake.config.EventLakeConfig;

/** Wires the pure forwarding classes with their configuration. */
public class ForwardBeans {

    @Produces
    @ApplicationScoped
    ForwardRoutes forwardRoutes(EventLakeConfig config) {
        return new ForwardRoutes(config.forward().topicPrefix(), config.forward().routes());
    }
}
