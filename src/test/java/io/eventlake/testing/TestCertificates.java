package io.eventlake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made in the test, with the JDK's own {@code keytool}: a broker's key and self-signed certificate
 * for {@code localhost} (PKCS12 keystore), and a truststore holding that certificate for the clients.
 */
public record TestCertificates(Path keystore, Path truststore, String password) {

    public static TestCertificates forLocalhost(Path dir) {
        String password = "changeit-" + Long.toHexString(System.nanoTime());
        try {
            Files.createDirectories(dir);
            Path keystore = dir.resolve("broker.p12");
            Path certificate = dir.resolve("broker.pem");
            Path truststore = dir.resolve("truststore.p12");
            for (Path path : List.of(keystore, certificate, truststore)) {
                Files.deleteIfExists(path);
            }
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass", password, "-keypass", password);
            keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", password,
                    "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-storetype", "PKCS12",
                    "-keystore", truststore.toString(), "-storepass", password);
            return new TestCertificates(keystore, truststore, password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keytool(String... args) throws IOException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        List<String> command = new ArrayList<>(List.of(java.resolveSibling("keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
