/**
 * Ingest meters ({@code eventlake.*}) scraped at {@code /q/metrics}.
 */
package io.eventlake.metrics;
