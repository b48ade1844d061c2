package io.eventlake.console;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.smallrye.jwt.runtime.auth.JsonWebTokenCredential;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads the console's session cookie on the console's own pages: the same access token the browser signed in
 * with, verified exactly as a bearer token is (signature, issuer, audience, expiry). Everywhere else the cookie
 * counts for nothing (its path is {@code /console} and this mechanism ignores other paths), so the API only
 * ever takes a bearer token in a header, which no other site can make a browser send. Even on the console's
 * paths it authenticates only reads (GET, HEAD): no request the cookie rides along with can change anything.
 */
@ApplicationScoped
public class ConsoleSessionMechanism implements HttpAuthenticationMechanism {

    /** The cookie holding the signed-in user's access token. */
    public static final String COOKIE = "eventlake-console";

    /** Where the console lives, and where its cookie is sent. */
    public static final String PATH = "/console";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String path = context.normalizedPath();
        HttpMethod method = context.request().method();
        if (!(path.equals(PATH) || path.startsWith(PATH + "/")) || !(method == HttpMethod.GET || method == HttpMethod.HEAD)
                || context.request().headers().contains("Authorization")) {
            return Uni.createFrom().nullItem();
        }
        Cookie cookie = context.request().getCookie(COOKIE);
        if (cookie == null || cookie.getValue().isBlank()) {
            return Uni.createFrom().nullItem();
        }
        TokenAuthenticationRequest request = new TokenAuthenticationRequest(new JsonWebTokenCredential(cookie.getValue()));
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(request, context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        // A console page without a session is sent to sign-in by the console itself (ConsoleResource).
        return Uni.createFrom().nullItem();
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TokenAuthenticationRequest.class);
    }
}
