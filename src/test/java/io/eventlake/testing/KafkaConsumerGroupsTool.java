package io.eventlake.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kafka's own {@code kafka-consumer-groups} ({@code ConsumerGroupCommand} from kafka-tools), run as a separate
 * process on the test classpath plus the kafka-tools jar the build copies to {@code target/kafka-tools}.
 */
public final class KafkaConsumerGroupsTool {

    /** One line of a {@code --reset-offsets --dry-run} plan. */
    public record PlanLine(String topic, int partition, long newOffset) {
    }

    private KafkaConsumerGroupsTool() {
    }

    /** Runs {@code --reset-offsets ... --dry-run} and parses the plan it prints. */
    public static List<PlanLine> dryRun(String bootstrap, String group, String... resetArgs) {
        List<String> args = new ArrayList<>(List.of("--bootstrap-server", bootstrap, "--group", group, "--reset-offsets"));
        args.addAll(List.of(resetArgs));
        args.add("--dry-run");
        String output = run(args);
        List<PlanLine> plan = new ArrayList<>();
        for (String line : output.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 4 && columns[0].equals(group)) {
                plan.add(new PlanLine(columns[1], Integer.parseInt(columns[2]), Long.parseLong(columns[3])));
            }
        }
        if (plan.isEmpty()) {
            throw new IllegalStateException("kafka-consumer-groups printed no plan:\n" + output);
        }
        return plan;
    }

    public static String run(List<String> args) {
        Path tools = Path.of("target", "kafka-tools");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        try (var jars = Files.list(tools)) {
            for (Path jar : jars.toList()) {
                classpath = jar.toAbsolutePath() + java.io.File.pathSeparator + classpath;
            }
        } catch (IOException e) {
            throw new IllegalStateException(tools + " is missing: the build copies kafka-tools there", e);
        }
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp", classpath,
                "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand"));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kafka-consumer-groups did not finish");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
