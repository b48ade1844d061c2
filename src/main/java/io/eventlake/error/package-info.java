/**
 * Problem details (RFC 9457): typed domain exceptions with their status, and the one mapper that turns every error
 * into {@code application/problem+json}.
 */
package io.eventlake.error;
