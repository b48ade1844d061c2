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
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application run as its own process, the way an operator runs it, so a test can kill it mid-stream
 * and start it again: the JVM jar ({@code target/quarkus-app/quarkus-run.jar}), or the native executable when the
 * build was native ({@code ./mvnw verify -Dnative}), so every IT runs against the binary too.
 */
public final class PackagedService implements AutoCloseable {

    private static final Path TARGET = Path.of("target");
    private static final Path JAR = TARGET.resolve("quarkus-app").resolve("quarkus-run.jar");

    private final Process process;
    private final int port;
    private final Path log;
    /** Where this run's lines begin in the log, which earlier runs of the same name appended to. */
    private final long logStart;
    private final HttpClient http = HttpClient.newHttpClient();

    private PackagedService(Process process, int port, Path log, long logStart) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.logStart = logStart;
    }

    /** Starts the service with these extra settings and waits until it reports ready. */
    public static PackagedService start(String name, Map<String, String> settings) {
        return start(name, settings, "512m");
    }

    /** Starts the service with this heap limit ({@code -Xmx}) and these extra settings; waits until ready. */
    public static PackagedService start(String name, Map<String, String> settings, String heap) {
        Path log = Path.of("target", "it-" + name + ".log");
        int port = EmbeddedKafkaBroker.freePort();
        long logStart = log.toFile().length();
        PackagedService service = new PackagedService(launch(settings, heap, log, port), port, log, logStart);
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

    /**
     * What the build produced: the native executable after {@code ./mvnw verify -Dnative} (Quarkus names it in
     * {@code target/quarkus-artifact.properties}), else the JVM jar. Both take the same {@code -Xmx} and {@code -D}
     * options.
     */
    public static Optional<Path> nativeExecutable() {
        return nativeExecutable(TARGET);
    }

    /** The native executable a build into {@code target} produced, if it was a native build. */
    static Optional<Path> nativeExecutable(Path target) {
        Path artifact = target.resolve("quarkus-artifact.properties");
        if (!Files.exists(artifact)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(artifact)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!"native".equals(properties.getProperty("type"))) {
            return Optional.empty();
        }
        Path executable = target.resolve(properties.getProperty("path")).toAbsolutePath();
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(executable + " is not an executable: build it again");
        }
        return Optional.of(executable);
    }

    private static Process launch(Map<String, String> settings, String heap, Path log, int port) {
        Optional<Path> executable = nativeExecutable();
        if (executable.isEmpty() && !Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the integration tests with `./mvnw verify`");
        }
        String program = executable.map(Path::toString)
                .orElseGet(() -> ProcessHandle.current().info().command().orElse("java"));
        List<String> command = new ArrayList<>(List.of(program, "-Xmx" + heap));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.datasource.reactive.url=" + LakeDatabase.URL.replaceFirst("^jdbc:", ""));
        command.add("-Dquarkus.datasource.jdbc.url=" + LakeDatabase.URL);
        TestIdentity.serviceSettings().forEach((key, value) -> command.add("-D" + key + "=" + value));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        if (executable.isEmpty()) {
            command.add("-jar");
            command.add(JAR.toString());
        }
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

    /** What this run of the service has written to its log (standard output and error) so far. */
    public String log() {
        try {
            byte[] all = Files.readAllBytes(log);
            return new String(all, (int) logStart, all.length - (int) logStart, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
