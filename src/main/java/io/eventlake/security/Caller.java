package io.eventlake.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.eventlake.config.EventLakeConfig;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is calling, as the endpoints and the audit trail need it: a name for the records it leaves, its client
 * id, its roles, the streams it may reach and the sources it may post under.
 */
@RequestScoped
public class Caller {

    /** The name recorded for a call without a token (refused everywhere but health and the API description). */
    public static final String ANONYMOUS = "anonymous";

    private final SecurityIdentity identity;
    private final EventLakeConfig.Security settings;

    /** The caller of the current request, or of a request whose identity was resolved elsewhere. */
    @Inject
    public Caller(SecurityIdentity identity, EventLakeConfig config) {
        this.identity = identity;
        this.settings = config.security();
    }

    private boolean anonymous() {
        return identity.isAnonymous();
    }

    /** A readable name: the token's {@code upn}, {@code preferred_username} or subject. */
    public String name() {
        return anonymous() ? ANONYMOUS : identity.getPrincipal().getName();
    }

    /** The token's subject ({@code sub}). */
    public String subject() {
        JsonWebToken token = token();
        return token == null || token.getSubject() == null ? name() : token.getSubject();
    }

    /** The calling client: the first of {@code eventlake.security.client-id-claims} present, else the subject. */
    public String clientId() {
        JsonWebToken token = token();
        if (token == null) {
            return null;
        }
        for (String claim : settings.clientIdClaims()) {
            List<String> values = strings(token.getClaim(claim));
            if (!values.isEmpty()) {
                return values.get(0);
            }
        }
        return token.getSubject();
    }

    public Set<String> roles() {
        return new TreeSet<>(identity.getRoles());
    }

    /** The streams this token may reach: those of its streams claim, else every stream. */
    public StreamScope streams() {
        JsonWebToken token = token();
        if (token == null || !token.containsClaim(settings.streamsClaim())) {
            return StreamScope.unrestricted();
        }
        return StreamScope.only(strings(token.getClaim(settings.streamsClaim())));
    }

    /** The sources this caller may post under: those of its sources claim, else its own client source. */
    public SourceOwnership sources() {
        String own = settings.clientSourcePrefix() + (clientId() == null ? name() : clientId());
        JsonWebToken token = token();
        if (token != null && token.containsClaim(settings.sourcesClaim())) {
            List<String> sources = strings(token.getClaim(settings.sourcesClaim()));
            if (!sources.isEmpty()) {
                return new SourceOwnership(sources, own);
            }
        }
        return new SourceOwnership(List.of(own), own);
    }

    private JsonWebToken token() {
        return identity.getPrincipal() instanceof JsonWebToken token ? token : null;
    }

    /** A claim as strings: an array's elements, or a space-separated string's words (as in {@code scope}). */
    static List<String> strings(Object claim) {
        List<String> values = new ArrayList<>();
        if (claim instanceof Collection<?> collection) {
            for (Object element : collection) {
                values.add(element instanceof JsonString json ? json.getString() : String.valueOf(element));
            }
        } else if (claim instanceof JsonString json) {
            values.addAll(words(json.getString()));
        } else if (claim != null) {
            values.addAll(words(claim.toString()));
        }
        return values;
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
    }
}
