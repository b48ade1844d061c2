/**
 * The operator console under {@code /console}: server-rendered pages (Qute) over the same services the API uses,
 * htmx for partial updates and uPlot for charts. A page is read with the session cookie the console sets after
 * sign-in ({@link ConsoleSessionMechanism}, valid under {@code /console} only); every change is a call to the API
 * itself with the bearer token, so the API's roles decide and no cookie can make a cross-site change.
 */
package io.eventlake.console;
