package com.claribi.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.Application;
import com.claribi.platform.Config;
import com.claribi.testsupport.TestConfigs;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Sign-up in the browser runs the register_account / verify_email rules and ends signed in. */
class WebSignUpTest {
    @RegisterExtension
    static final GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(
                    GreenMailConfiguration.aConfig().withUser("no-reply@claribi.test", "mailer", "mailer-pw"));

    @TempDir
    Path home;

    private Application application;
    private String base;
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() {
        application = Application.start(TestConfigs.withSmtp(
                Config.defaults().withHome(home).withPort(0),
                new Config.Smtp(
                        Optional.of("127.0.0.1"),
                        mail.getSmtp().getPort(),
                        Optional.of("mailer"),
                        Optional.of("mailer-pw"),
                        "clariBI <no-reply@claribi.test>",
                        false)));
        base = application.publicUrl().toString();
    }

    @AfterEach
    void stop() {
        application.close();
    }

    private HttpResponse<String> send(String path, String form, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (form == null) {
            return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        return http.send(
                request.header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Origin", base)
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void signingUpInTheBrowserSendsACodeAndEndsSignedInOnTheDeveloperPage() throws Exception {
        HttpResponse<String> page = send("/sign-up", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        String csrf = hidden(page.body(), "csrf");
        String cookie = WebApp.PRE_SESSION_COOKIE + "=" + csrf;

        HttpResponse<String> started = send(
                "/sign-up",
                "csrf=" + csrf + "&email=grace%40example.com" + "&organization=Compilers&accept_terms=yes",
                cookie);
        assertThat(started.statusCode()).isEqualTo(200);
        assertThat(started.body()).contains("Check your email");
        String pendingId = hidden(started.body(), "pending_id");
        assertThat(mail.waitForIncomingEmail(10_000, 1)).isTrue();
        Matcher code = Pattern.compile("\\b(\\d{6})\\b").matcher(mail.getReceivedMessages()[0].getSubject());
        assertThat(code.find()).isTrue();

        HttpResponse<String> tooShort = send(
                "/sign-up/verify",
                "csrf=" + csrf + "&pending_id=" + pendingId + "&code=" + code.group(1) + "&password=short",
                cookie);
        assertThat(tooShort.statusCode()).isEqualTo(400);
        assertThat(tooShort.body()).contains("12");

        HttpResponse<String> verified = send(
                "/sign-up/verify",
                "csrf=" + csrf + "&pending_id=" + pendingId + "&code=" + code.group(1) + "&password="
                        + URLEncoder.encode("a long enough passphrase", StandardCharsets.UTF_8),
                cookie);
        assertThat(verified.statusCode()).isEqualTo(303);
        String session = verified.headers().allValues("set-cookie").stream()
                .filter(value -> value.startsWith(WebApp.SESSION_COOKIE + "="))
                .map(value -> value.substring(0, value.indexOf(';')))
                .findFirst()
                .orElseThrow();
        HttpResponse<String> developer = send("/settings/developer", null, session);
        assertThat(developer.statusCode()).isEqualTo(200);
        assertThat(developer.body()).contains("MCP Server", "grace@example.com", "Compilers", "claribi_mcp_");
    }

    @Test
    void aSignUpPostWithoutTheFormsCsrfCookieIsRefused() throws Exception {
        HttpResponse<String> forged =
                send("/sign-up", "csrf=abc&email=eve%40example.com&organization=E&accept_terms=yes", null);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    private static String hidden(String html, String name) {
        Matcher matcher =
                Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(html);
        assertThat(matcher.find()).as("hidden field " + name).isTrue();
        return matcher.group(1);
    }
}
