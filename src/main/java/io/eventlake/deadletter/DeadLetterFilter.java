package io.eventlake.deadletter;

import java.time.OffsetDateTime;

/** Which dead letters a list or bulk redrive covers; null fields do not filter. Times are on creation. */
public record DeadLetterFilter(String type, String reason, String status, OffsetDateTime from, OffsetDateTime to) {
}
