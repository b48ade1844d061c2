/**
 * How requests are read, the same way by every endpoint: query parameters (times, page sizes, optional values)
 * and opaque page cursors.
 */
package io.eventlake.request;
