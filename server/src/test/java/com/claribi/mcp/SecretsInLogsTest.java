package com.claribi.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.claribi.Application;
import com.claribi.platform.Config;
import com.claribi.testsupport.TestConfigs;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * SPEC §3: no secret is ever written to a log. Captures every log event (all loggers, all levels)
 * during a whole signup through the MCP tools and key use on both surfaces, and looks for each secret in messages, arguments and stack
 * traces (Jetty, Hikari, Flyway and Jdbi at TRACE included). SMTP is configured, so the outbox's marked code line (the one sanctioned exception, for
 * servers without mail) must not appear either.
 */
class SecretsInLogsTest {
    @RegisterExtension
    static final GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(
                    GreenMailConfiguration.aConfig().withUser("no-reply@claribi.test", "mailer", "mailer-pw"));

    private static final String PASSWORD = "a long enough passphrase";

    @TempDir
    Path home;

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final List<ch.qos.logback.core.Appender<ILoggingEvent>> consoleAppenders = new ArrayList<>();
    private Logger root;
    private Level previousLevel;

    @BeforeEach
    void capture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        previousLevel = root.getLevel();
        root.setLevel(Level.TRACE);
        for (String noisy :
                List.of("org.eclipse.jetty", "com.zaxxer.hikari", "org.flywaydb", "org.jdbi", "com.icegreen")) {
            context.getLogger(noisy).setLevel(Level.TRACE);
        }
        // As shipped in logback.xml: these Jetty loggers print raw request bytes (Authorization
        // headers, bodies) at DEBUG and stay pinned at INFO whatever the level of org.eclipse.jetty.
        for (String pinned : List.of(
                "org.eclipse.jetty.http.HttpParser", "org.eclipse.jetty.io", "org.eclipse.jetty.server.internal")) {
            context.getLogger(pinned).setLevel(Level.INFO);
        }
        captured.setContext(context);
        captured.start();
        root.iteratorForAppenders().forEachRemaining(consoleAppenders::add);
        consoleAppenders.forEach(root::detachAppender);
        root.addAppender(captured);
    }

    @AfterEach
    void release() {
        root.detachAppender(captured);
        consoleAppenders.forEach(root::addAppender);
        root.setLevel(previousLevel);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (String noisy :
                List.of("org.eclipse.jetty", "com.zaxxer.hikari", "org.flywaydb", "org.jdbi", "com.icegreen")) {
            context.getLogger(noisy)
                    .setLevel(noisy.equals("org.jdbi") || noisy.equals("com.icegreen") ? null : Level.WARN);
        }
    }

    private String allLogs() {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent event : List.copyOf(captured.list)) {
            if (event.getLoggerName().startsWith("com.icegreen")) {
                continue; // GreenMail is the recipient's mail server in this test, not part of clariBI
            }
            text.append(event.getLoggerName())
                    .append(' ')
                    .append(event.getFormattedMessage())
                    .append('\n');
            if (event.getArgumentArray() != null) {
                for (Object argument : event.getArgumentArray()) {
                    text.append(argument).append('\n');
                }
            }
            if (event.getThrowableProxy() != null) {
                text.append(ThrowableProxyUtil.asString(event.getThrowableProxy()))
                        .append('\n');
            }
        }
        return text.toString();
    }

    @Test
    void aWholeSignupAndKeyUseLogNoCodePasswordKeyOrToken() throws Exception {
        List<String> secrets = new ArrayList<>();
        try (Application application = Application.start(TestConfigs.withSmtp(
                Config.defaults().withHome(home).withPort(0),
                new Config.Smtp(
                        Optional.of("127.0.0.1"),
                        mail.getSmtp().getPort(),
                        Optional.of("mailer"),
                        Optional.of("mailer-pw"),
                        "clariBI <no-reply@claribi.test>",
                        false)))) {
            McpHttpClient anonymous = new McpHttpClient(application.publicUrl(), Optional.empty()).initialize();
            String pendingId = anonymous
                    .callTool(
                            "register_account",
                            "{\"email\":\"ada@example.com\",\"organization_name\":\"Engines\",\"accept_terms\":true}")
                    .result()
                    .path("structuredContent")
                    .path("pending_id")
                    .asString();
            assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();
            Matcher code = Pattern.compile("\\b(\\d{6})\\b").matcher(mail.getReceivedMessages()[0].getSubject());
            assertThat(code.find()).isTrue();
            secrets.add(code.group(1));
            secrets.add(PASSWORD);
            String wrong = code.group(1).equals("000000") ? "000001" : "000000";
            assertThat(anonymous
                            .callTool("verify_email", verifyArguments(pendingId, wrong))
                            .isToolError())
                    .isTrue();
            tools.jackson.databind.JsonNode verified = anonymous
                    .callTool("verify_email", verifyArguments(pendingId, code.group(1)))
                    .result()
                    .path("structuredContent");
            String mcpKey = verified.path("api_key").asString();
            String accessToken = verified.path("access_token").asString();
            assertThat(mcpKey).startsWith("claribi_mcp_");
            secrets.add(mcpKey);
            secrets.add(accessToken);
            String restKey = application
                    .accounts()
                    .mintKey(
                            verified.path("workspace").path("id").asString(),
                            verified.path("user").path("id").asString(),
                            com.claribi.accounts.KeyKind.REST,
                            "ci",
                            java.util.EnumSet.allOf(com.claribi.auth.Scope.class))
                    .secret();
            secrets.add(restKey);

            for (String bearer : List.of(mcpKey, accessToken, restKey)) {
                McpHttpClient.Reply usage = new McpHttpClient(application.publicUrl(), Optional.of(bearer))
                        .initialize()
                        .callTool("get_usage", "{}");
                assertThat(usage.status()).isIn(200, 401);
            }
            HttpClient client = HttpClient.newHttpClient();
            for (String bearer : List.of(restKey, mcpKey, accessToken)) {
                client.send(
                        HttpRequest.newBuilder(URI.create(application.publicUrl() + "/api/v1/usage"))
                                .header("Authorization", "Bearer " + bearer)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            HttpResponse<String> minted = client.send(
                    HttpRequest.newBuilder(URI.create(application.publicUrl() + "/api/v1/api-keys"))
                            .header("Authorization", "Bearer " + restKey)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"mcp\",\"name\":\"laptop\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher mintedSecret = Pattern.compile("(claribi_mcp_\\w+)").matcher(minted.body());
            assertThat(mintedSecret.find()).isTrue();
            secrets.add(mintedSecret.group(1));
        }

        String logs = allLogs();
        assertThat(captured.list).isNotEmpty();
        for (String secret : secrets) {
            assertThat(logs).as("logs must not contain a secret").doesNotContain(secret);
        }
        assertThat(logs).doesNotContain("LOCAL MAIL").doesNotContain("mailer-pw");
    }

    private static String verifyArguments(String pendingId, String code) {
        return "{\"pending_id\":\"" + pendingId + "\",\"code\":\"" + code + "\",\"password\":\"" + PASSWORD + "\"}";
    }

    @Test
    void withoutSmtpTheCodeAppearsInExactlyOneMarkedLogLine() {
        try (Application application =
                Application.start(Config.defaults().withHome(home).withPort(0))) {
            application.signup().register("ada@example.com", "Engines", true, "127.0.0.1");
            application.signup().close();
        }
        List<String> marked = captured.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(message -> message.matches("(?s).*\\b\\d{6}\\b.*") && message.contains("verification code"))
                .toList();
        assertThat(marked).hasSize(1);
        assertThat(marked.getFirst()).startsWith("[LOCAL MAIL - CLARIBI_SMTP_HOST is not set");
    }
}
