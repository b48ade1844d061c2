package io.eventlake.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.config.EventLakeConfig;

/** Wires the pure ingest classes with their configuration. */
public class IngestBeans {

    @Produces
    @ApplicationScoped
    EnvelopeExtractor envelopeExtractor(ObjectMapper mapper, EventLakeConfig config) {
        return new EnvelopeExtractor(mapper, config.ingest().typeHeader(), config.ingest().idHeader());
    }
}
