package io.eventlake.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The machine's CPU use between two readings of /proc/stat, as a share of all cores (200% on two), and how it split
 * between the processes that matter to a benchmark: the service, PostgreSQL, the broker, Kafka Connect and the
 * benchmark's own JVM, each from its /proc/PID/stat. The benchmarks under {@code bench/} print it beside every
 * figure: on a small machine the load generator and the broker share the cores with what is measured.
 * <p>
 * Test scope, like {@link EmbeddedKafkaBroker}: the benchmarks run with the test classpath.
 */
public record MachineLoad(long busy, long total, Map<Long, long[]> processes) {

    private static final String[] GROUPS = { "service", "PostgreSQL", "broker", "Connect", "bench" };

    /** A reading now, to compare a later one with. */
    public static MachineLoad now() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
        Map<Long, long[]> processes = new HashMap<>();
        long self = ProcessHandle.current().pid();
        try (var dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                try {
                    long pid = Long.parseLong(dir.getFileName().toString());
                    String stat = Files.readString(dir.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String cmdline = comm.equals("java") ? Files.readString(dir.resolve("cmdline")) : "";
                    int group = pid == self ? 4
                            : comm.equals("postgres") ? 1
                                    : cmdline.contains("quarkus-run.jar") ? 0
                                            : cmdline.contains("EmbeddedKafkaBroker") ? 2
                                                    : cmdline.contains("ConnectStandalone") ? 3 : -1;
                    if (group >= 0) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        processes.put(pid, new long[] { group, Long.parseLong(fields[11]) + Long.parseLong(fields[12]) });
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            }
        }
        return new MachineLoad(total - idle, total, processes);
    }

    /** "machine busy 180% of 200%: service 60%, PostgreSQL 40%, …" since this reading. */
    public String busySince() throws IOException {
        MachineLoad later = now();
        int cores = Runtime.getRuntime().availableProcessors();
        double scale = 100.0 * cores / Math.max(1, later.total - total);
        long[] byGroup = new long[GROUPS.length];
        later.processes.forEach((pid, now) -> {
            long[] before = processes.get(pid);
            byGroup[(int) now[0]] += now[1] - (before == null ? 0 : before[1]);
        });
        StringBuilder split = new StringBuilder();
        for (int g = 0; g < GROUPS.length; g++) {
            if (byGroup[g] > 0) {
                split.append(split.isEmpty() ? "" : ", ").append(String.format("%s %.0f%%", GROUPS[g], scale * byGroup[g]));
            }
        }
        return String.format("machine busy %.0f%% of %d%%: %s", scale * (later.busy - busy), 100 * cores, split);
    }
}
