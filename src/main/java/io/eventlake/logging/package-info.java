/**
 * What the service's log lines carry besides their text: fields in the MDC (event id, stream, batch, job) that JSON
 * logs ({@code quarkus.log.console.json.enabled=true}) print as fields, so operators can search by them.
 */
package io.eventlake.logging;
