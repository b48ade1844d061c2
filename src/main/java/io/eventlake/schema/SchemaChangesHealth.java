package io.eventlake.schema;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

import io.smallrye.health.api.Wellness;

/**
 * Wellness of the schema registry's change notifications ({@code /q/health/well}, and {@code /q/health}): DOWN
 * while the LISTEN connection is down, since this instance would not hear schemas registered through another one
 * (it reconnects every second and reloads every schema when it is back).
 */
@Wellness
@ApplicationScoped
public class SchemaChangesHealth implements HealthCheck {

    @Inject
    SchemaCache cache;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("Event Lake schema changes");
        if (cache.listening()) {
            return response.up().build();
        }
        return response.down().withData("reason", "the LISTEN connection for schema changes is down: schemas registered "
                + "through another instance are not heard; it reconnects every second and reloads them all").build();
    }
}
