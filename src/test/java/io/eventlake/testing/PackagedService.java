package io.eventlake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}) run as its own process, the way an
 * operator runs it, so a test can kill it mid-stream and start it again.
 */
public final class PackagedService implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private PackagedService(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the service with these extra settings and waits until it reports ready. */
    public static PackagedService start(String name, Map<String, String> settings) {
        return start(name, settings, "512m");
    }

    /** Starts the service with this heap limit ({@code -Xmx}) and these extra settings; waits until ready. */
    public static PackagedService start(String name, Map<String, String> settings, String heap) {
        Path log = Path.of("target", "it-" + name + ".log");
        int port = EmbeddedKafkaBroker.freePort();
        PackagedService service = new PackagedService(launch(settings, heap, log, port), port);
        service.awaitReady(Duration.ofSeconds(60), log);
        return service;
    }

    /**
     * Starts the service with settings it must refuse: waits for it to exit and returns its output. Fails
     * if it becomes ready instead.
     */
    public static String startExpectingRefusal(String name, Map<String, String> settings) {
        Path log = Path.of("target", "it-" + name + ".log");
        int port = EmbeddedKafkaBroker.freePort();
        Process process = launch(settings, "512m", log, port);
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the service neither became ready nor exited; see " + log);
            }
            if (process.exitValue() == 0) {
                throw new IllegalStateException("the service exited normally instead of refusing to start; see " + log);
            }
            return Files.readString(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Process launch(Map<String, String> settings, String heap, Path log, int port) {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the integration tests with `./mvnw verify`");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.datasource.reactive.url=" + LakeDatabase.URL.replaceFirst("^jdbc:", ""));
        command.add("-Dquarkus.datasource.jdbc.url=" + LakeDatabase.URL);
        TestIdentity.serviceSettings().forEach((key, value) -> command.add("-D" + key + "=" + value));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(JAR.toString());
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(200);
        }
        throw new IllegalStateException("the service was not ready within " + timeout + "; see " + log);
    }

    /** The HTTP port the service listens on. */
    public int port() {
        return port;
    }

    /** A GET with an admin's token (admin holds every role, the metrics one included). */
    public HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Authorization", TestIdentity.bearer("admin")).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A POST of a JSON body with an admin's token. */
    public HttpResponse<String> post(String path, String json) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Authorization", TestIdentity.bearer("admin")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The value of a Prometheus counter line at {@code /q/metrics}, or 0 when it is not there yet. */
    public double metric(String lineStart) {
        try {
            for (String line : get("/q/metrics").body().split("\n")) {
                if (line.startsWith(lineStart)) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Stops the service as a crash would: no shutdown hook, no final commit. */
    public void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** Stops the service the way an orchestrator does (SIGTERM), letting it shut down cleanly. */
    @Override
    public void close() {
        process.destroy();
        waitForExit();
    }

    private void waitForExit() {
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
