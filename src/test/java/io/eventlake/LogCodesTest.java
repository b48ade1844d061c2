package io.eventlake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The list of log codes operators read (docs/log-codes.md) is the list the code uses, one meaning per code. */
class LogCodesTest {

    private static final Pattern CODE = Pattern.compile("\"(EL\\d{4}) ([a-z][a-z ]{0,20})");

    @Test
    void everyCodeInTheSourceIsListedAndMeansOneThing() throws IOException {
        Map<String, Set<String>> meanings = new HashMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher matcher = CODE.matcher(Files.readString(file));
                while (matcher.find()) {
                    // the first two words of the message tell one meaning from another
                    String words = String.join(" ", List.of(matcher.group(2).trim().split(" ")).subList(0,
                            Math.min(2, matcher.group(2).trim().split(" ").length)));
                    meanings.computeIfAbsent(matcher.group(1), code -> new TreeSet<>()).add(words);
                }
            }
        }
        String listed = Files.readString(Path.of("docs/log-codes.md"));
        assertThat(meanings).isNotEmpty();
        assertThat(meanings.keySet()).allSatisfy(code -> assertThat(listed).contains("| " + code + " |"));
        assertThat(meanings).allSatisfy((code, words) -> assertThat(words).as(code).hasSize(1));
    }
}
