/**
 * The audit trail: every state-changing call, allowed or refused, recorded once with who, what, when and how it
 * ended ({@code audit_entry}), and {@code GET /audit} to read it.
 */
package io.eventlake.audit;
