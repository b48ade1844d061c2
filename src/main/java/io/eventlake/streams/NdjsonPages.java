package io.eventlake.streams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;

/**
 * A page of events as one chunk of NDJSON. An NDJSON {@code Multi} is written one element per write, each
 * followed by a newline; one write per event capped an event stream below 30,000 events/s (bench/replay.sh:
 * 29,400), one per page ({@code eventlake.streams.page-size} events) let it reach 52,000. The lines of a page are joined by
 * newlines
 * and the last one is left without: the newline the framework writes after each element ends it.
 */
@ApplicationScoped
public class NdjsonPages {

    /** Room per event in the page's buffer, about the size of a typical event, so most pages never copy. */
    private static final int BYTES_PER_EVENT = 1536;

    private final ObjectWriter writer;

    @Inject
    public NdjsonPages(ObjectMapper mapper) {
        this.writer = mapper.writerFor(StreamEvent.class).withRootValueSeparator("\n");
    }

    public byte[] lines(List<StreamEvent> page) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(page.size() * BYTES_PER_EVENT);
        try (SequenceWriter lines = writer.writeValues(out)) {
            for (StreamEvent event : page) {
                lines.write(event);
            }
        } catch (IOException e) {
            // Written to memory: an event that cannot be serialized is a bug, not an I/O condition.
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
