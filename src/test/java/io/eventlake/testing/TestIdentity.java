package io.eventlake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import io.restassured.builder.RequestSpecBuilder;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * The identity provider of the tests: a signing key made once per build (under {@code target/test-identity}),
 * which every service a test starts trusts, and real signed access tokens (JWT) made with it, the way an
 * identity provider issues them. Nothing turns security off: a test that calls the API carries a token.
 */
public final class TestIdentity {

    public static final String ISSUER = "https://identity.eventlake.test/realms/tests";
    public static final String AUDIENCE = "event-lake";

    private static final Path DIR = Path.of("target", "test-identity").toAbsolutePath();
    private static final Path SIGNING_KEY = DIR.resolve("signing-key.pk8");
    private static final Path PUBLIC_KEY = DIR.resolve("public-key.pem");

    private TestIdentity() {
    }

    /** The settings that make a service trust this identity provider's tokens. */
    public static Map<String, String> serviceSettings() {
        ensureKeys();
        return Map.of("mp.jwt.verify.publickey.location", PUBLIC_KEY.toUri().toString(),
                "mp.jwt.verify.issuer", ISSUER,
                "mp.jwt.verify.audiences", AUDIENCE);
    }

    /** A token with these roles, for any stream and any source. */
    public static String token(String... roles) {
        return builder().roles(roles).sign();
    }

    /** {@code Authorization} header value. */
    public static String bearer(String... roles) {
        return "Bearer " + token(roles);
    }

    /** A RestAssured specification that carries an admin's token (admin holds every role). */
    public static RequestSpecification asAdmin() {
        return new RequestSpecBuilder().addHeader("Authorization", bearer("admin")).build();
    }

    public static TokenBuilder builder() {
        return new TokenBuilder();
    }

    /** A token as an identity provider would issue it; each setter makes it differ from a good one. */
    public static final class TokenBuilder {
        private String subject = "test-user";
        private String clientId = "event-lake-tests";
        private List<String> roles = List.of();
        private List<String> streams;
        /** Any source, as a trusted importer may; a producer's own token names fewer (SourceOwnershipTest). */
        private List<String> sources = List.of("*");
        private String issuer = ISSUER;
        private String audience = AUDIENCE;
        private Instant expiresAt = Instant.now().plus(Duration.ofMinutes(30));
        private boolean signedByStranger;

        public TokenBuilder subject(String subject) {
            this.subject = subject;
            return this;
        }

        public TokenBuilder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public TokenBuilder roles(String... roles) {
            this.roles = List.of(roles);
            return this;
        }

        /** Limits the token to these streams (a partner's token). */
        public TokenBuilder streams(String... streams) {
            this.streams = List.of(streams);
            return this;
        }

        /** The sources the token may post under; none: only its client's own source. */
        public TokenBuilder sources(String... sources) {
            this.sources = List.of(sources);
            return this;
        }

        public TokenBuilder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        public TokenBuilder audience(String audience) {
            this.audience = audience;
            return this;
        }

        public TokenBuilder expiresAt(Instant expiresAt) {
            this.expiresAt = expiresAt;
            return this;
        }

        /** Signed by a key the service does not trust. */
        public TokenBuilder signedByStranger() {
            this.signedByStranger = true;
            return this;
        }

        public String sign() {
            JwtClaimsBuilder claims = Jwt.issuer(issuer).audience(audience).subject(subject)
                    .claim("azp", clientId).groups(new HashSet<>(roles))
                    .issuedAt(expiresAt.minus(Duration.ofMinutes(30))).expiresAt(expiresAt);
            if (streams != null) {
                claims.claim("streams", new ArrayList<>(streams));
            }
            if (!sources.isEmpty()) {
                claims.claim("sources", new ArrayList<>(sources));
            }
            return claims.jws().keyId("tests").sign(signedByStranger ? strangerKey() : signingKey());
        }
    }

    private static PrivateKey signingKey() {
        ensureKeys();
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(SIGNING_KEY)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey strangerKey() {
        return newKeyPair().getPrivate();
    }

    /**
     * Makes the key pair once per build. Files, not a static field: the services under test, the test code
     * and the packaged services of the integration tests run in different class loaders and processes.
     */
    private static synchronized void ensureKeys() {
        if (Files.exists(PUBLIC_KEY) && Files.exists(SIGNING_KEY)) {
            return;
        }
        try {
            Files.createDirectories(DIR);
            KeyPair keys = newKeyPair();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(keys.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            writeOnce(SIGNING_KEY, keys.getPrivate().getEncoded());
            writeOnce(PUBLIC_KEY, pem.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeOnce(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(DIR, target.getFileName().toString(), ".tmp");
        Files.write(temp, content);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
