package io.eventlake.forward;

/** A clean topic as the broker has it: what forwarding needs to know. */
public record TopicInfo(String name, int partitions, boolean compacted) {
}
