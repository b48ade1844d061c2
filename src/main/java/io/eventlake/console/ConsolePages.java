package io.eventlake.console;

import java.net.URI;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.eventlake.config.EventLakeConfig;
import io.quarkus.qute.TemplateInstance;

/**
 * Every console page goes out with the same protections: scripts and styles from this origin only (no inline
 * script, so an injected one does not run), never framed, never cached (a page holds data a role may see).
 */
final class ConsolePages {

    private ConsolePages() {
    }

    static Response page(TemplateInstance page, EventLakeConfig config) {
        return status(200, page, config);
    }

    static Response status(int status, TemplateInstance page, EventLakeConfig config) {
        return Response.status(status).entity(page).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Content-Security-Policy", contentSecurityPolicy(config))
                .header("X-Frame-Options", "DENY").header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "same-origin").header("Cache-Control", "no-store").build();
    }

    /** The identity provider's origin joins 'self' where the browser talks to it (discovery, the token endpoint). */
    static String contentSecurityPolicy(EventLakeConfig config) {
        String identityProvider = config.console().oidcAuthority().map(URI::create)
                .map(authority -> " " + authority.getScheme() + "://" + authority.getRawAuthority()).orElse("");
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'"
                + identityProvider + "; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
    }
}
