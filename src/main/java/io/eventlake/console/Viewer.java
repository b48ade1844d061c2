package io.eventlake.console;

import java.util.Set;

import io.eventlake.security.Caller;
import io.eventlake.security.Roles;

/**
 * Who is looking at a console page, as the page needs it: a name to show, and which parts and actions to offer.
 * Offering is a courtesy; the API refuses what a role may not do whatever the page shows.
 */
public record Viewer(String name, Set<String> roles, boolean unrestricted) {

    static Viewer of(Caller caller) {
        return new Viewer(caller.name(), caller.roles(), caller.streams().streams().isEmpty());
    }

    /** Sees consumer groups, replays and dead letters, and may act on them. */
    public boolean operator() {
        return roles.contains(Roles.OPERATOR);
    }

    /** Reads the lake: streams, keys and their history, schemas. */
    public boolean reader() {
        return roles.contains(Roles.READER);
    }

    /** Sees the audit trail and registers schemas. */
    public boolean admin() {
        return roles.contains(Roles.ADMIN);
    }

    /** Event Lake's roles the viewer holds, for the page's header (a provider's own roles left out). */
    public String roleList() {
        return String.join(", ", roles.stream().filter(Roles.ALL::contains).toList());
    }
}
