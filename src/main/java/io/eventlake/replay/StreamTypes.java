package io.eventlake.replay;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.eventlake.event.StreamNaming;

/**
 * A stream a job reads, with the job's types that are of it ({@code types} null: the job names no types, every
 * event goes).
 */
record StreamTypes(String stream, List<String> types) {

    /**
     * The streams a job reads, each once, with its own types. An event's stream is derived from its type, so a stream
     * none of the job's types is of sends nothing and is left out rather than read through to find that out; and a
     * stream's queries get only its own types, so that a type of another stream is not looked for along the type's
     * index (every event of it is in that other stream).
     */
    static List<StreamTypes> of(List<String> streams, List<String> types) {
        Map<String, StreamTypes> read = new LinkedHashMap<>();
        for (String stream : streams) {
            if (types == null || types.isEmpty()) {
                read.putIfAbsent(stream, new StreamTypes(stream, null));
                continue;
            }
            List<String> own = types.stream().filter(type -> StreamNaming.streamOf(type).equals(stream)).toList();
            if (!own.isEmpty()) {
                read.putIfAbsent(stream, new StreamTypes(stream, own));
            }
        }
        return List.copyOf(read.values());
    }
}
