/**
 * Pure logic: compiling JSON Schemas (draft 2020-12 and 7, never fetching over the network) and validating
 * payloads, each violation as {pointer, message}.
 */
package io.eventlake.schema.validation;
