package io.eventlake.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one process), started from the Apache
 * Kafka artifacts. It plays the part Dev Services play where Docker exists: the tests start it, and
 * {@code bin/run-dev} starts it (through {@link #main}) when no external cluster is given.
 * <p>
 * Lives in test scope on purpose: the broker never reaches the production artifact or the native image.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private final KafkaRaftServer server;
    private final Path logDir;
    private final boolean deleteOnClose;
    private final int port;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path logDir, boolean deleteOnClose, int port) {
        this.server = server;
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
    }

    /** Starts a throw-away broker on a free port with a temporary log directory. */
    public static EmbeddedKafkaBroker startEphemeral() {
        try {
            return start(freePort(), Files.createTempDirectory("eventlake-kafka-"), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a broker on {@code port}, keeping its log in {@code logDir} (formatted on first use, reused
     * afterwards so that a restarted broker keeps its topics).
     */
    public static EmbeddedKafkaBroker start(int port, Path logDir, boolean deleteOnClose) {
        return start(port, logDir, deleteOnClose, null);
    }

    /**
     * A secured listener beside the plaintext one: {@code SASL_SSL} with SCRAM-SHA-512 on {@code port}, the
     * broker's certificate and key in a PKCS12 keystore.
     */
    public record SaslSslListener(int port, Path keystore, String keystorePassword) {
    }

    /**
     * Starts a throw-away broker that also listens with SASL_SSL (SCRAM-SHA-512), with an authorizer (everyone may
     * use a resource without ACLs). Users are added with
     * {@link KafkaTestClient#admin()}'s {@code alterUserScramCredentials} over the plaintext listener, which
     * stays for the broker itself and the tests' own clients.
     */
    public static EmbeddedKafkaBroker startWithSaslSsl(SaslSslListener secured) {
        try {
            return start(freePort(), Files.createTempDirectory("eventlake-kafka-"), true, secured);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedKafkaBroker start(int port, Path logDir, boolean deleteOnClose, SaslSslListener secured) {
        int controllerPort = freePort();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        String listeners = "PLAINTEXT://localhost:" + port;
        String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (secured != null) {
            listeners += ",SASL_SSL://localhost:" + secured.port();
            protocols += ",SASL_SSL:SASL_SSL";
            props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            props.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
            props.put("listener.name.sasl_ssl.ssl.keystore.location", secured.keystore().toString());
            props.put("listener.name.sasl_ssl.ssl.keystore.password", secured.keystorePassword());
            props.put("listener.name.sasl_ssl.ssl.key.password", secured.keystorePassword());
            // ACLs can be set (a test denies the service a topic); with none on a resource, everyone may use it,
            // and the plaintext listener's clients (the broker itself, the tests) are super users.
            props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            props.put("allow.everyone.if.no.acl.found", "true");
            props.put("super.users", "User:ANONYMOUS");
        }
        props.put("listeners", listeners + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", listeners);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", protocols);
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "true");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        format(logDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        return new EmbeddedKafkaBroker(server, logDir, deleteOnClose, port);
    }

    private static void format(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .addDirectory(logDir.toString())
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format the Kafka log directory " + logDir, e);
        }
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            deleteRecursively(logDir);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory we could not delete is not worth failing a test run for
        }
    }

    /**
     * Runs a broker until the process is stopped: {@code EmbeddedKafkaBroker <port> <log-dir>}. Used by
     * {@code bin/run-dev} and the benchmarks.
     */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9092;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("eventlake-kafka-");
        Files.createDirectories(dir);
        EmbeddedKafkaBroker broker = start(port, dir, false);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        System.out.println("EMBEDDED KAFKA READY " + broker.bootstrapServers() + " (log dir " + dir + ")");
        broker.server.awaitShutdown();
    }
}
