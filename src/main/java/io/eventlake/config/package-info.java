/**
 * Every setting of the service ({@code eventlake.*}), the values settings take (type patterns, compatibility
 * levels, unknown-type policy), and the start-up check that refuses settings that would lose or loop events.
 */
package io.eventlake.config;
