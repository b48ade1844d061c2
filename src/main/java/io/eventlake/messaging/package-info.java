/**
 * The names of the Reactive Messaging channels.
 */
package io.eventlake.messaging;
