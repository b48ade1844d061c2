package io.eventlake.schema;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.eventlake.config.CompatibilityLevel;
import io.eventlake.config.EventLakeConfig;
import io.eventlake.error.InvalidRequestException;
import io.eventlake.error.PayloadTooLargeException;
import io.eventlake.error.Violation;
import io.eventlake.event.StreamNaming;
import io.eventlake.schema.SchemaViews.Compatibility;
import io.eventlake.schema.SchemaViews.SchemaVersion;
import io.eventlake.schema.SchemaViews.TypeSummary;
import io.eventlake.schema.SchemaViews.ValidationResult;
import io.eventlake.security.Caller;
import io.eventlake.security.Roles;
import io.eventlake.security.StreamScope;
import io.smallrye.mutiny.Uni;

/**
 * {@code /schemas}: the registry of JSON Schemas per event type, their versions and compatibility levels,
 * and a check of a payload against them.
 */
@Path("/schemas")
@Tag(name = "Schemas")
@Produces(MediaType.APPLICATION_JSON)
public class SchemaResource {

    @Inject
    Caller caller;

    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,254}");

    @Inject
    SchemaRegistryService registry;

    @Inject
    EventLakeConfig config;

    @Inject
    ObjectMapper mapper;

    @RolesAllowed(Roles.READER)
    @GET
    @Operation(summary = "Every event type with a schema: latest version, number of versions, compatibility level")
    public Uni<List<TypeSummary>> types() {
        StreamScope scope = caller.streams();
        return registry.types()
                .map(all -> all.stream().filter(t -> scope.permits(StreamNaming.streamOf(t.type()))).toList());
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{type}/versions")
    @Consumes({ MediaType.APPLICATION_JSON, "application/schema+json" })
    @Operation(summary = "Register a JSON Schema (the body) as the type's next version", description = "Draft 2020-12 "
            + "unless $schema names draft 7. Registering the same content again answers the existing version (200).")
    @APIResponse(responseCode = "201", description = "Registered as a new version")
    @APIResponse(responseCode = "200", description = "The same content was already registered; that version")
    @APIResponse(responseCode = "400", description = "The body is not JSON, or the type name is malformed")
    @APIResponse(responseCode = "409", description = "Incompatible with earlier versions at the type's level; each breaking change listed")
    @APIResponse(responseCode = "422", description = "Not valid JSON Schema; each problem listed")
    public Uni<Response> register(@PathParam("type") String type, byte[] body) {
        checkType(type);
        JsonNode schema = readJson(body);
        return registry.register(type, schema, caller.name()).map(registration -> {
            SchemaVersion version = registration.schema();
            if (!registration.created()) {
                return Response.ok(version).build();
            }
            return Response.created(UriBuilder.fromPath("/schemas/{type}/versions/{version}").build(type, version.version()))
                    .entity(version).build();
        });
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Path("/{type}/versions")
    @Operation(summary = "Every version of a type's schema, oldest first")
    @APIResponse(responseCode = "404", description = "No schema is registered for the type")
    public Uni<List<SchemaVersion>> versions(@PathParam("type") String type) {
        checkType(type);
        return registry.versions(type).map(all -> all.stream().map(SchemaViews::of).toList());
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Path("/{type}/versions/{version}")
    @Operation(summary = "One version of a type's schema, by number or 'latest'")
    @APIResponse(responseCode = "400", description = "The version is neither a positive number nor 'latest'")
    @APIResponse(responseCode = "404", description = "No such type or version")
    public Uni<SchemaVersion> version(@PathParam("type") String type, @PathParam("version") String version) {
        checkType(type);
        return registry.version(type, checkVersion("version", version)).map(SchemaViews::of);
    }

    @RolesAllowed(Roles.READER)
    @GET
    @Path("/{type}/compatibility")
    @Operation(summary = "The type's compatibility level (the configured default when none is set)")
    public Uni<Compatibility> compatibility(@PathParam("type") String type) {
        checkType(type);
        return registry.levelOf(type).map(level -> new Compatibility(type, level));
    }

    /** The body of {@code PUT /schemas/{type}/compatibility}. */
    public record CompatibilityRequest(String compatibility) {
    }

    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("/{type}/compatibility")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the type's compatibility level", description = "BACKWARD, BACKWARD_TRANSITIVE, FORWARD, "
            + "FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE; checked when the next version is registered.")
    @APIResponse(responseCode = "400", description = "Unknown level")
    public Uni<Compatibility> setCompatibility(@PathParam("type") String type, CompatibilityRequest request) {
        checkType(type);
        if (request == null || request.compatibility() == null || request.compatibility().isBlank()) {
            throw new InvalidRequestException(Violation.atPointer("/compatibility", "is required"));
        }
        CompatibilityLevel level;
        try {
            level = CompatibilityLevel.valueOf(request.compatibility().trim().toUpperCase().replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(Violation.atPointer("/compatibility",
                    "must be one of " + List.of(CompatibilityLevel.values())));
        }
        return registry.setLevel(type, level, caller.name()).map(set -> new Compatibility(type, set));
    }

    @RolesAllowed(Roles.READER)
    @POST
    @Path("/{type}/validate")
    @Consumes({ MediaType.APPLICATION_JSON, MediaType.WILDCARD })
    @Operation(summary = "Check a payload (the body) against the type's latest schema, or ?version=N, without ingesting it")
    @APIResponse(responseCode = "200", description = "The verdict: valid, the version checked, and every violation as {pointer, message}")
    @APIResponse(responseCode = "400", description = "The body is not JSON")
    @APIResponse(responseCode = "404", description = "No schema (or no such version) for the type")
    public Uni<ValidationResult> validate(@PathParam("type") String type, @QueryParam("version") String version,
            byte[] body) {
        checkType(type);
        JsonNode payload = readJson(body);
        String wanted = version == null || version.isBlank() ? "latest" : checkVersion("version", version);
        return registry.validate(type, wanted, payload);
    }

    /** A well-formed type of a stream the caller may reach. */
    private void checkType(String type) {
        if (!TYPE.matcher(type).matches()) {
            throw new InvalidRequestException(Violation.atParameter("type",
                    "must be 1 to 255 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"));
        }
        caller.streams().require(StreamNaming.streamOf(type));
    }

    private static String checkVersion(String name, String version) {
        if ("latest".equals(version)) {
            return version;
        }
        try {
            if (Integer.parseInt(version) >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // falls through to the problem below
        }
        throw new InvalidRequestException(Violation.atParameter(name, "must be a version number (1, 2, ...) or 'latest'"));
    }

    private JsonNode readJson(byte[] body) {
        if (body.length > config.http().maxBodyBytes()) {
            throw new PayloadTooLargeException("The body holds " + body.length + " bytes; the limit is "
                    + config.http().maxBodyBytes() + ".");
        }
        if (body.length == 0) {
            throw new InvalidRequestException(Violation.atPointer("", "a JSON body is required"));
        }
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(Violation.atPointer("", "the body is not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidRequestException(Violation.atPointer("", "the body could not be read"));
        }
    }
}
