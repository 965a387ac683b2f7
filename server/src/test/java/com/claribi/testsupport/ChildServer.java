package com.claribi.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A clariBI server in a child JVM ({@code com.claribi.Main serve} on the test classpath), configured
 * only by {@code CLARIBI_*} variables as in production, for tests that need a second process or a
 * process they can kill.
 */
public final class ChildServer {
    private static final Pattern LISTENING = Pattern.compile("clariBI listening on [^\\s]+:(\\d+)");

    private ChildServer() {}

    /**
     * Starts {@code claribi serve} on 127.0.0.1 and a free port with {@code home} as CLARIBI_HOME;
     * stdout and stderr go to {@code log} in production format (JSON lines, logback.xml).
     *
     * @param maxHeap the child's {@code -Xmx}, such as {@code 256m}
     * @param environment further CLARIBI_* settings (the parent's own are not inherited)
     */
    public static Process start(Path home, Path log, String maxHeap, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-Xmx" + maxHeap,
                        "-XX:TieredStopAtLevel=1",
                        "-Dlogback.configurationFile=logback.xml",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "com.claribi.Main",
                        "serve")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> variables = builder.environment();
        variables.keySet().removeIf(name -> name.startsWith("CLARIBI_"));
        variables.put("CLARIBI_HOME", home.toString());
        variables.put("CLARIBI_BIND", "127.0.0.1");
        variables.put("CLARIBI_PORT", "0");
        variables.putAll(environment);
        return builder.start();
    }

    /** Waits up to 120 s for the child's "listening" log line and returns its port. */
    public static int awaitPort(Process child, Path log) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            String output = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher matcher = LISTENING.matcher(output);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            if (!child.isAlive()) {
                throw new AssertionError("the child server exited with " + child.exitValue() + ":\n" + output);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the child server did not start within 120 s:\n"
                + (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : ""));
    }
}
