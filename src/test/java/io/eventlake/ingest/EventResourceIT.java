package io.eventlake.ingest;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same HTTP tests against the packaged application (the jar, or the native executable with -Dnative). */
@QuarkusIntegrationTest
class EventResourceIT extends EventResourceTest {
}
