/**
 * The lake: appending events with the latest-per-key view in one transaction, and reading it page by page
 * ({@code GET /events}).
 */
package io.eventlake.lake;
