package io.eventlake.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.config.EventLakeConfig;
import io.eventlake.envelope.EnvelopeExtractor;
import io.eventlake.event.StreamNaming;
import io.eventlake.schema.EventValidator;

/** Wires the pure ingest classes with their configuration. */
public class IngestBeans {

    @Produces
    @ApplicationScoped
    EnvelopeExtractor envelopeExtractor(ObjectMapper mapper, EventLakeConfig config, EventValidator validator) {
        // Data is parsed into a tree only when something reads it: a schema, or a version field.
        return new EnvelopeExtractor(mapper, config.ingest().typeHeader(), config.ingest().idHeader(),
                type -> validator.hasSchema(type)
                        || config.compaction().versionFieldOf(StreamNaming.streamOf(type)).isPresent());
    }
}
