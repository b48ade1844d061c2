package io.eventlake.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.eventlake.security.Roles;
import io.eventlake.testing.KafkaBrokerResource;
import io.eventlake.testing.TestIdentity;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Who may see the console and how its session works, over real HTTP with real tokens: pages need a reader and
 * send anyone else to sign-in; the session cookie is opened only with a bearer token, is HttpOnly, SameSite=Strict
 * and sent to the console's own paths, and counts for nothing on the API or on a request that changes anything.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.GLOBAL)
class ConsoleAccessTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aPageWithoutASessionGoesToSignInAndComesBackAfterIt() throws Exception {
        HttpResponse<String> anonymous = send(get("/console"));
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/console/sign-in?next=%2Fconsole"));
        // htmx refreshing a fragment is told to load the sign-in page, not handed a redirect to swap in
        HttpResponse<String> fragment = send(get("/console/overview/figures").header("HX-Request", "true"));
        assertThat(fragment.statusCode()).isEqualTo(401);
        assertThat(fragment.headers().firstValue("HX-Redirect")).hasValueSatisfying(
                location -> assertThat(location).contains("/console/sign-in"));
        HttpResponse<String> signIn = send(get("/console/sign-in"));
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(signIn.body()).contains("data-token-form");
        assertThat(signIn.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                policy -> assertThat(policy).contains("script-src 'self'").contains("frame-ancestors 'none'"));
        // the charts' data answers like the API
        HttpResponse<String> series = send(get("/console/overview/series"));
        assertThat(series.statusCode()).isEqualTo(401);
        assertThat(series.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void aSessionIsOpenedWithABearerTokenOnlyAndItsCookieIsKeptToTheConsole() throws Exception {
        String reader = TestIdentity.token(Roles.READER);
        HttpResponse<String> opened = send(post("/console/session").header("Authorization", "Bearer " + reader));
        assertThat(opened.statusCode()).isEqualTo(204);
        String cookie = opened.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(ConsoleSessionMechanism.COOKIE + "=" + reader).contains("Path=/console")
                .contains("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Max-Age=");

        HttpResponse<String> page = send(get("/console").header("Cookie", ConsoleSessionMechanism.COOKIE + "=" + reader));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-testid=\"ingest-rate\"").contains("test-user")
                .doesNotContain("Consumer groups");
        assertThat(send(get("/console/overview/series").header("Cookie", ConsoleSessionMechanism.COOKIE + "=" + reader))
                .statusCode()).isEqualTo(200);

        // The cookie alone opens no session, changes nothing and reads no API.
        assertThat(send(post("/console/session").header("Cookie", ConsoleSessionMechanism.COOKIE + "=" + reader))
                .statusCode()).isEqualTo(401);
        assertThat(send(post("/replays").header("Cookie", ConsoleSessionMechanism.COOKIE + "=" + admin())).statusCode())
                .isEqualTo(401);
        assertThat(send(get("/events").header("Cookie", ConsoleSessionMechanism.COOKIE + "=" + reader)).statusCode())
                .isEqualTo(401);

        HttpResponse<String> closed = send(delete("/console/session"));
        assertThat(closed.statusCode()).isEqualTo(204);
        assertThat(closed.headers().firstValue("Set-Cookie")).hasValueSatisfying(
                expired -> assertThat(expired).startsWith(ConsoleSessionMechanism.COOKIE + "=;").contains("Max-Age=0"));
    }

    @Test
    void aCookieThatDoesNotVerifyIsNoSession() throws Exception {
        String expired = TestIdentity.builder().roles(Roles.ADMIN).expiresAt(Instant.now().minus(Duration.ofHours(1)))
                .sign();
        String stranger = TestIdentity.builder().roles(Roles.ADMIN).signedByStranger().sign();
        for (String token : new String[] { expired, stranger, "not-a-token" }) {
            HttpResponse<String> page = send(get("/console").header("Cookie", ConsoleSessionMechanism.COOKIE + "=" + token));
            assertThat(page.statusCode()).as(token).isEqualTo(303);
            assertThat(send(post("/console/session").header("Authorization", "Bearer " + token)).statusCode()).as(token)
                    .isEqualTo(401);
        }
    }

    @Test
    void anOperatorSeesTheGroupsAndReplaysAndARoleWithoutReaderIsToldWhatItLacks() throws Exception {
        HttpResponse<String> operatorPage = send(get("/console").header("Authorization",
                TestIdentity.bearer(Roles.OPERATOR)));
        assertThat(operatorPage.statusCode()).isEqualTo(200);
        assertThat(operatorPage.body()).contains("Consumer groups").contains("Replays running");

        HttpResponse<String> producer = send(get("/console").header("Authorization", TestIdentity.bearer(Roles.PRODUCER)));
        assertThat(producer.statusCode()).isEqualTo(403);
        assertThat(producer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(producer.body()).contains("data-testid=\"problem\"").contains("reader").contains("operator");
    }

    private static String admin() {
        return TestIdentity.token(Roles.ADMIN);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
    }

    private HttpRequest.Builder post(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
    }

    private HttpRequest.Builder delete(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).DELETE();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
