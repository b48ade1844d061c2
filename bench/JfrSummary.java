import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM's CPU went, from a JFR recording (PROFILE=1 bench/ingest.sh records the service's): the execution samples
 * by thread group, by the innermost Event Lake class on the stack, and by the method at the top of the stack (self
 * time); beside them the process's CPU load and GC pauses, which execution samples do not show.
 *   java bench/JfrSummary.java target/bench/service.jfr [rows]
 */
public class JfrSummary {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Map<String, Long> byThread = new HashMap<>();
        Map<String, Long> byEventLakeClass = new HashMap<>();
        Map<String, Long> byLibrary = new HashMap<>();
        Map<String, Long> bySelf = new HashMap<>();
        long samples = 0;
        double cpuSum = 0;
        long cpuReadings = 0;
        double gcPauseMs = 0;
        int hwThreads = 1;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            switch (event.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    if (event.getStackTrace() == null) {
                        continue;
                    }
                    samples++;
                    String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
                    byThread.merge(threadGroup(thread), 1L, Long::sum);
                    List<RecordedFrame> frames = event.getStackTrace().getFrames();
                    if (!frames.isEmpty()) {
                        bySelf.merge(name(frames.get(0)), 1L, Long::sum);
                        byLibrary.merge(library(frames.get(0).getMethod().getType().getName()), 1L, Long::sum);
                    }
                    String ours = "(no Event Lake frame)";
                    for (RecordedFrame frame : frames) {
                        String type = frame.getMethod().getType().getName();
                        if (type.startsWith("io.eventlake.")) {
                            ours = type.substring("io.eventlake.".length()).replaceAll("\\$.*", "");
                            break;
                        }
                    }
                    byEventLakeClass.merge(ours, 1L, Long::sum);
                }
                case "jdk.CPULoad" -> {
                    cpuSum += event.getFloat("jvmUser") + event.getFloat("jvmSystem");
                    cpuReadings++;
                }
                case "jdk.CPUInformation" -> hwThreads = event.getInt("hwThreads");
                case "jdk.GarbageCollection" -> gcPauseMs += event.getDuration("sumOfPauses").toNanos() / 1e6;
                default -> {
                }
            }
        }
        // jdk.CPULoad is a share of the whole machine; printed per core, as the benchmark prints loads (200% = 2 cores).
        System.out.printf("%,d execution samples; the process's CPU, mean of %d readings: %.0f%% (of %d00%%); GC pauses %,.0f ms%n",
                samples, cpuReadings, cpuReadings == 0 ? 0 : 100 * hwThreads * cpuSum / cpuReadings, hwThreads, gcPauseMs);
        print("by thread", byThread, samples, rows);
        print("by the innermost Event Lake class on the stack (what the work was for)", byEventLakeClass, samples, rows);
        print("by the library of the method on top of the stack", byLibrary, samples, rows);
        print("by the method on top of the stack (self)", bySelf, samples, rows);
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    /** Pool threads by their name without the number. */
    private static String threadGroup(String thread) {
        return thread.replaceAll("[-#]?\\d+$", "").replaceAll("-\\d+-", "-n-");
    }

    /** A class's library: its package cut to three segments (io.vertx.pgclient, org.apache.kafka, java.util). */
    private static String library(String type) {
        String[] parts = type.split("\\.");
        int keep = Math.min(parts.length - 1, 3);
        return keep <= 0 ? type : String.join(".", java.util.Arrays.copyOf(parts, keep));
    }

    private static void print(String title, Map<String, Long> counts, long samples, int rows) {
        System.out.println("-- " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(rows)
                .forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
    }
}
