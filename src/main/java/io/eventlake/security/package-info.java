/**
 * Who may call what: roles (admin holds every role), the caller of a request, stream scopes for partners and the
 * sources a producer owns.
 */
package io.eventlake.security;
