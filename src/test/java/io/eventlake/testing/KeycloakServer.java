package io.eventlake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A real Keycloak ({@code org.keycloak:keycloak-quarkus-dist}, unpacked by the build under
 * {@code target/keycloak}) run as its own process in development mode, configured through its admin REST API
 * as an operator would: a realm, realm roles, and one confidential client with a service account per caller.
 */
public final class KeycloakServer implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin-" + Long.toHexString(System.nanoTime());

    private final Process process;
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeycloakServer(Process process, int port) {
        this.process = process;
        this.baseUrl = "http://localhost:" + port;
    }

    /** Starts Keycloak on free ports with an empty database and waits until its master realm answers. */
    public static KeycloakServer start(Path log) {
        Path home = Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-26.5.6"));
        if (!Files.exists(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(home + "/bin/kc.sh is missing: run the integration tests with `./mvnw verify`");
        }
        deleteRecursively(home.resolve("data"));
        int port = EmbeddedKafkaBroker.freePort();
        int managementPort = EmbeddedKafkaBroker.freePort();
        ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + port, "--http-management-port=" + managementPort, "--health-enabled=false")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        // The JDK that runs the tests runs Keycloak too.
        builder.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
        builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        KeycloakServer server;
        try {
            server = new KeycloakServer(builder.start(), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.awaitReady(Duration.ofSeconds(180), log);
        return server;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The issuer of the realm's tokens. */
    public String issuer(String realm) {
        return baseUrl + "/realms/" + realm;
    }

    /** The realm's JWKS: what a service verifies tokens against. */
    public String jwksUrl(String realm) {
        return issuer(realm) + "/protocol/openid-connect/certs";
    }

    public void createRealm(String realm, List<String> roles) {
        admin("POST", "/admin/realms", MAPPER.createObjectNode().put("realm", realm).put("enabled", true));
        for (String role : roles) {
            admin("POST", "/admin/realms/" + realm + "/roles", MAPPER.createObjectNode().put("name", role));
        }
    }

    /**
     * A confidential client whose service account holds these realm roles, with its tokens addressed to
     * {@code audience} and, when given, carrying a hard-coded claim (a partner's streams).
     */
    public void createClient(String realm, String clientId, String secret, String audience, List<String> roles,
            Map<String, String> hardcodedClaims) {
        ObjectNode client = MAPPER.createObjectNode().put("clientId", clientId).put("enabled", true)
                .put("publicClient", false).put("serviceAccountsEnabled", true).put("standardFlowEnabled", false)
                .put("directAccessGrantsEnabled", false).put("secret", secret);
        ArrayNode mappers = client.putArray("protocolMappers");
        ObjectNode audienceMapper = mappers.addObject().put("name", "audience").put("protocol", "openid-connect")
                .put("protocolMapper", "oidc-audience-mapper");
        audienceMapper.putObject("config").put("included.custom.audience", audience).put("access.token.claim", "true")
                .put("id.token.claim", "false");
        hardcodedClaims.forEach((name, value) -> {
            ObjectNode mapper = mappers.addObject().put("name", name).put("protocol", "openid-connect")
                    .put("protocolMapper", "oidc-hardcoded-claim-mapper");
            mapper.putObject("config").put("claim.name", name).put("claim.value", value).put("jsonType.label", "String")
                    .put("access.token.claim", "true");
        });
        admin("POST", "/admin/realms/" + realm + "/clients", client);
        String id = admin("GET", "/admin/realms/" + realm + "/clients?clientId=" + encode(clientId), null).get(0)
                .get("id").asText();
        String user = admin("GET", "/admin/realms/" + realm + "/clients/" + id + "/service-account-user", null).get("id")
                .asText();
        ArrayNode grants = MAPPER.createArrayNode();
        for (String role : roles) {
            grants.add(admin("GET", "/admin/realms/" + realm + "/roles/" + encode(role), null));
        }
        admin("POST", "/admin/realms/" + realm + "/users/" + user + "/role-mappings/realm", grants);
    }

    /**
     * A public client for a browser application (authorization code with PKCE), redirecting to {@code redirectUri}
     * only and answering token requests from its origin (CORS), with its access tokens addressed to {@code audience}.
     */
    public void createBrowserClient(String realm, String clientId, String redirectUri, String audience) {
        URI redirect = URI.create(redirectUri);
        ObjectNode client = MAPPER.createObjectNode().put("clientId", clientId).put("enabled", true)
                .put("publicClient", true).put("standardFlowEnabled", true).put("directAccessGrantsEnabled", false)
                .put("serviceAccountsEnabled", false);
        client.putArray("redirectUris").add(redirectUri);
        client.putArray("webOrigins").add(redirect.getScheme() + "://" + redirect.getRawAuthority());
        client.putObject("attributes").put("pkce.code.challenge.method", "S256");
        ObjectNode audienceMapper = client.putArray("protocolMappers").addObject().put("name", "audience")
                .put("protocol", "openid-connect").put("protocolMapper", "oidc-audience-mapper");
        audienceMapper.putObject("config").put("included.custom.audience", audience).put("access.token.claim", "true")
                .put("id.token.claim", "false");
        admin("POST", "/admin/realms/" + realm + "/clients", client);
    }

    /** A person who signs in with a password and holds these realm roles. */
    public void createUser(String realm, String username, String password, List<String> roles) {
        ObjectNode user = MAPPER.createObjectNode().put("username", username).put("enabled", true)
                .put("email", username + "@example.test").put("emailVerified", true).put("firstName", username)
                .put("lastName", "Tester");
        user.putArray("credentials").addObject().put("type", "password").put("value", password).put("temporary", false);
        admin("POST", "/admin/realms/" + realm + "/users", user);
        String id = admin("GET", "/admin/realms/" + realm + "/users?exact=true&username=" + encode(username), null).get(0)
                .get("id").asText();
        ArrayNode grants = MAPPER.createArrayNode();
        for (String role : roles) {
            grants.add(admin("GET", "/admin/realms/" + realm + "/roles/" + encode(role), null));
        }
        admin("POST", "/admin/realms/" + realm + "/users/" + id + "/role-mappings/realm", grants);
    }

    /** An access token by the client credentials grant, as a service or a script gets one. */
    public String clientToken(String realm, String clientId, String secret) {
        return form(issuer(realm) + "/protocol/openid-connect/token",
                Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret))
                .get("access_token").asText();
    }

    private String adminToken() {
        return form(issuer("master") + "/protocol/openid-connect/token", Map.of("grant_type", "password",
                "client_id", "admin-cli", "username", ADMIN, "password", ADMIN_PASSWORD)).get("access_token").asText();
    }

    private JsonNode admin(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + adminToken()).timeout(Duration.ofSeconds(30));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpResponse<String> response = send(request.build());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        try {
            return response.body().isBlank() ? MAPPER.nullNode() : MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode form(String url, Map<String, String> fields) {
        String body = fields.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitReady(Duration timeout, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(issuer("master")))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("Keycloak was not ready within " + timeout + "; see " + log);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            java.util.Collections.reverse(all);
            for (Path path : all) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
