package io.eventlake.offsets;

import java.util.List;
import java.util.Map;

import io.eventlake.error.ConflictException;

/** Offsets of a group with members are never edited: the members would overwrite them. */
public class ActiveGroupException extends ConflictException {

    private final List<GroupMember> members;

    public ActiveGroupException(String group, String state, List<GroupMember> members) {
        super("Consumer group '" + group + "' is " + state + " with " + members.size()
                + " active member(s); offsets can only be changed while the group has no members. Stop its consumers first.");
        this.members = List.copyOf(members);
    }

    public List<GroupMember> members() {
        return members;
    }

    @Override
    public Map<String, Object> extensions() {
        return Map.of("members", members);
    }
}
