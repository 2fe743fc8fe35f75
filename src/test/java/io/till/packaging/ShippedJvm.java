package io.till.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The JVM flags Till ships with, as the systemd unit (packaging/till.service) starts it. */
public final class ShippedJvm {

    public static final Pattern COLLECTOR_FLAG = Pattern.compile("-XX:\\+Use\\w+GC\\b");

    private ShippedJvm() {}

    /** The garbage collector's flag of the unit's ExecStart, such as {@code -XX:+UseParallelGC}. */
    public static String collector() {
        try {
            String start = Files.readAllLines(Path.of("packaging/till.service")).stream()
                .filter(line -> line.startsWith("ExecStart="))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("packaging/till.service has no ExecStart"));
            var flag = COLLECTOR_FLAG.matcher(start);
            if (!flag.find()) {
                throw new IllegalStateException("packaging/till.service starts Java without choosing a collector");
            }
            return flag.group();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
