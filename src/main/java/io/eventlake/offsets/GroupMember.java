package io.eventlake.offsets;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A member of a consumer group, with the partitions assigned to it ("topic-partition"). */
@RegisterForReflection
public record GroupMember(String memberId, String clientId, String host, List<String> assignment) {
}
