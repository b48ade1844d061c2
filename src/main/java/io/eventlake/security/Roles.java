package io.eventlake.security;

import java.util.List;

/**
 * The roles every endpoint is guarded by. They come from the token's roles claim
 * ({@code smallrye.jwt.path.groups}); {@link #ADMIN} holds every other role (see {@link RoleHierarchy}).
 */
public final class Roles {

    /** Posts events over HTTP ({@code POST /events}), under the sources it owns. */
    public static final String PRODUCER = "producer";

    /** Reads the lake, streams, snapshots, event streams and schemas. */
    public static final String READER = "reader";

    /** Runs replays, works dead letters (their bodies hold payloads), moves consumer groups, subscribes groups. */
    public static final String OPERATOR = "operator";

    /** Registers schemas and sets their compatibility, runs compactions, reads the audit trail; holds every role. */
    public static final String ADMIN = "admin";

    /** Scrapes {@code /q/metrics} (a Prometheus server's token). */
    public static final String METRICS = "metrics";

    /** Every role of Event Lake. */
    public static final List<String> ALL = List.of(PRODUCER, READER, OPERATOR, ADMIN, METRICS);

    /** The roles {@link #ADMIN} implies. */
    static final List<String> IMPLIED_BY_ADMIN = List.of(PRODUCER, READER, OPERATOR, METRICS);

    private Roles() {
    }
}
