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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The account tools and the authentication rules of the MCP surface over real HTTP: scopes checked
 * for every authenticated tool in the public catalog, the {@code mcp_server_access} gate, and the
 * directional refusal of a REST key.
 */
class AccountToolsTest {
    @RegisterExtension
    static final GreenMailExtension mail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(
                    GreenMailConfiguration.aConfig().withUser("no-reply@claribi.test", "mailer", "mailer-pw"));

    @TempDir
    Path home;

    private Application application;
    private SignupCompleted ada;

    /**
     * A gated tool standing in for the data tools later issues add, so the tier gate is exercised by
     * more than the two tools exempt from it.
     */
    static void gatedFixture(McpRegistry registry) {
        registry.tool(new Tool(
                "fixture_list_things",
                "List things (fixture)",
                "A test fixture gated like every data tool.",
                (ObjectNode) Json.mapper()
                        .readTree("{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}"),
                Optional.empty(),
                Tool.Annotations.READ_ONLY,
                List.of(),
                Optional.of(Scope.DATA_SOURCES_READ),
                true,
                false,
                (arguments, context) -> ToolResult.text("things")));
    }

    @BeforeEach
    void start() throws Exception {
        application = Application.start(
                TestConfigs.withSmtp(
                        Config.defaults().withHome(home).withPort(0),
                        new Config.Smtp(
                                Optional.of("127.0.0.1"),
                                mail.getSmtp().getPort(),
                                Optional.of("mailer"),
                                Optional.of("mailer-pw"),
                                "clariBI <no-reply@claribi.test>",
                                false)),
                AccountToolsTest::gatedFixture);
        int before = mail.getReceivedMessages().length;
        SignupStarted started = application.signup().register("ada@example.com", "Engines", true, "127.0.0.1");
        assertThat(mail.waitForIncomingEmail(10_000, before + 1)).isTrue();
        Matcher code = Pattern.compile("\\b(\\d{6})\\b").matcher(mail.getReceivedMessages()[before].getSubject());
        assertThat(code.find()).isTrue();
        ada = application.signup().verify(started.pendingId(), code.group(1), "a long enough passphrase");
    }

    @AfterEach
    void stop() {
        application.close();
    }

    private McpHttpClient client(String bearer) throws Exception {
        return new McpHttpClient(application.publicUrl(), Optional.ofNullable(bearer)).initialize();
    }

    private List<JsonNode> catalogTools() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(application.publicUrl() + "/api/mcp-server/tool-catalog/"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> tools = new ArrayList<>();
        Json.mapper().readTree(response.body()).get("tools").forEach(tools::add);
        return tools;
    }

    @Test
    void everyAuthenticatedToolDeclaresAScopeAndRefusesACredentialWithoutIt() throws Exception {
        List<JsonNode> authenticated = catalogTools().stream()
                .filter(tool -> tool.get("requires_auth").asBoolean())
                .toList();
        assertThat(authenticated)
                .extracting(tool -> tool.get("name").asString())
                .contains("get_usage", "get_billing_status", "fixture_list_things");

        for (JsonNode tool : authenticated) {
            String name = tool.get("name").asString();
            assertThat(tool.get("required_scopes").size())
                    .as(name + " declares a scope")
                    .isPositive();
            String scopeName = tool.get("required_scopes").get(0).asString();
            Scope scope = Scope.fromWireName(scopeName).orElseThrow();
            EnumSet<Scope> allButThat = EnumSet.complementOf(EnumSet.of(scope));
            String lacking = application
                    .accounts()
                    .mintKey(ada.workspace().id(), ada.user().id(), KeyKind.MCP, "lacks " + scopeName, allButThat)
                    .secret();

            McpHttpClient.Reply refused = client(lacking).callTool(name, "{}");
            assertThat(refused.status()).as(name).isEqualTo(403);
            assertThat(refused.challenge())
                    .as(name)
                    .hasValueSatisfying(challenge -> assertThat(challenge)
                            .contains("error=\"insufficient_scope\"")
                            .contains("scope=\"" + scopeName + "\""));

            McpHttpClient.Reply anonymous = client(null).callTool(name, "{}");
            assertThat(anonymous.status()).as(name).isEqualTo(401);
            assertThat(anonymous.challenge())
                    .as(name)
                    .hasValueSatisfying(challenge -> assertThat(challenge)
                            .startsWith("Bearer resource_metadata=\"")
                            .contains("scope=\"" + scopeName + "\""));
        }
    }

    @Test
    void theSignupToolsAndCheckPricingWorkWithoutCredentials() throws Exception {
        for (JsonNode tool : catalogTools()) {
            String name = tool.get("name").asString();
            if (List.of("register_account", "verify_email", "check_pricing").contains(name)) {
                assertThat(tool.get("requires_auth").asBoolean()).as(name).isFalse();
            }
        }
        McpHttpClient anonymous = client(null);
        assertThat(anonymous.callTool("check_pricing", "{}").isToolError()).isFalse();
        McpHttpClient.Reply registered = anonymous.callTool(
                "register_account",
                "{\"email\":\"grace@example.com\",\"organization_name\":\"Navy\",\"accept_terms\":true}");
        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered
                        .result()
                        .path("structuredContent")
                        .path("pending_id")
                        .asString())
                .startsWith("ps_");
        McpHttpClient.Reply refusedTerms = anonymous.callTool(
                "register_account",
                "{\"email\":\"hopper@example.com\",\"organization_name\":\"Navy\",\"accept_terms\":false}");
        assertThat(refusedTerms.isToolError()).isTrue();
        assertThat(refusedTerms.text()).contains("accept_terms must be true");
        McpHttpClient.Reply extra = anonymous.callTool(
                "register_account",
                "{\"email\":\"x@example.com\",\"organization_name\":\"N\",\"accept_terms\":true,\"admin\":true}");
        assertThat(extra.isToolError()).isTrue();
    }

    @Test
    void aFreeWorkspaceIsRefusedEveryGatedToolButSeesUsageAndBilling() throws Exception {
        application.accounts().setTier(ada.workspace().id(), "free", Optional.empty());
        McpHttpClient client = client(ada.mcpKey().secret());

        List<JsonNode> gated = catalogTools().stream()
                .filter(tool -> tool.get("requires_mcp_server_access").asBoolean())
                .toList();
        assertThat(gated).isNotEmpty();
        for (JsonNode tool : gated) {
            McpHttpClient.Reply reply = client.callTool(tool.get("name").asString(), "{}");
            assertThat(reply.isToolError()).as(tool.get("name").asString()).isTrue();
            assertThat(reply.text())
                    .contains("mcp_server_access")
                    .contains("Free")
                    .contains("Trial, Starter, Professional, Enterprise")
                    .contains("create_checkout_session");
        }

        McpHttpClient.Reply billing = client.callTool("get_billing_status", "{}");
        assertThat(billing.isToolError()).isFalse();
        assertThat(billing.result()
                        .path("structuredContent")
                        .path("mcp_server_access")
                        .asBoolean())
                .isFalse();
        assertThat(billing.result().path("structuredContent").path("tier").asString())
                .isEqualTo("free");
        assertThat(billing.text()).contains("does not include mcp_server_access");
        McpHttpClient.Reply usage = client.callTool("get_usage", "{}");
        assertThat(usage.isToolError()).isFalse();
        assertThat(usage.result()
                        .path("structuredContent")
                        .path("ai_credits")
                        .path("limit")
                        .asLong())
                .isEqualTo(10);

        application.accounts().setTier(ada.workspace().id(), "starter", Optional.empty());
        assertThat(client.callTool("fixture_list_things", "{}").isToolError()).isFalse();
    }

    @Test
    void aRestKeyAtTheMcpEndpointGetsTheDirectionalRefusal() throws Exception {
        String restKey = application
                .accounts()
                .mintKey(ada.workspace().id(), ada.user().id(), KeyKind.REST, "ci", EnumSet.allOf(Scope.class))
                .secret();

        McpHttpClient.Reply reply = client(restKey).callTool("get_usage", "{}");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.rawBody())
                .contains("REST API key")
                .contains("/api/v1/")
                .contains("MCP API key (claribi_mcp_")
                .doesNotContain(restKey);
        assertThat(reply.challenge())
                .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
    }

    @Test
    void usageAndBillingReportTheTrialThroughTheAccessToken() throws Exception {
        McpHttpClient client = client(ada.accessToken().secret());

        McpHttpClient.Reply usage = client.callTool("get_usage", "{}");
        JsonNode structured = usage.result().path("structuredContent");
        assertThat(structured.path("tier").asString()).isEqualTo("trial");
        assertThat(structured.path("ai_credits").path("limit").asLong()).isEqualTo(50);
        assertThat(structured.path("data_sources").path("limit").asLong()).isEqualTo(3);
        assertThat(structured.path("uploads_this_month").path("limit").asLong()).isEqualTo(5);
        assertThat(structured.path("storage_bytes").path("limit").asLong()).isEqualTo(1073741824L);
        assertThat(usage.text()).contains("AI credits this month: 0 of 50");

        McpHttpClient.Reply billing = client.callTool("get_billing_status", "{}");
        assertThat(billing.result().path("structuredContent").path("status").asString())
                .isEqualTo("trialing");
        assertThat(billing.text()).contains("Trial (trialing)").contains("includes mcp_server_access");
    }

    @Test
    void registerAnswersAlikeInBodyAndTimeWhetherOrNotTheEmailHasAnAccount() throws Exception {
        McpHttpClient anonymous = client(null);
        anonymous.callTool("register_account", registerArguments("warmup@example.com"));
        long knownNanos = 0;
        long unknownNanos = 0;
        String knownShape = null;
        String unknownShape = null;
        for (int i = 0; i < 4; i++) {
            application.accounts().createUser("known" + i + "@example.com", Optional.empty());
            long start = System.nanoTime();
            McpHttpClient.Reply known =
                    anonymous.callTool("register_account", registerArguments("known" + i + "@example.com"));
            knownNanos += System.nanoTime() - start;
            start = System.nanoTime();
            McpHttpClient.Reply unknown =
                    anonymous.callTool("register_account", registerArguments("unknown" + i + "@example.com"));
            unknownNanos += System.nanoTime() - start;
            knownShape = normalize(known.rawBody());
            unknownShape = normalize(unknown.rawBody());
            assertThat(knownShape).isEqualTo(unknownShape);
        }
        assertThat(knownShape).contains("pending_id");
        long knownMillis = knownNanos / 4 / 1_000_000;
        long unknownMillis = unknownNanos / 4 / 1_000_000;
        assertThat(Math.abs(knownMillis - unknownMillis))
                .as(knownMillis + " ms vs " + unknownMillis + " ms")
                .isLessThan(60);
    }

    @Test
    void registerOverMcpIsThrottledPerClientAddress() throws Exception {
        McpHttpClient anonymous = client(null);
        // The setup signed ada up from 127.0.0.1; the default budget is 30 signups an hour per address.
        for (int i = 1; i < 30; i++) {
            assertThat(anonymous
                            .callTool("register_account", registerArguments("office" + i + "@example.com"))
                            .isToolError())
                    .isFalse();
        }

        McpHttpClient.Reply refused = anonymous.callTool("register_account", registerArguments("office30@example.com"));

        assertThat(refused.isToolError()).isTrue();
        assertThat(refused.text()).contains("Too many signups from this network in the last hour; try again in");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "{\"email\":\"ada@example.com\\r\\nBcc: eve@example.com\",\"organization_name\":\"X\",\"accept_terms\":true}",
                "{\"email\":\"not-an-email\",\"organization_name\":\"X\",\"accept_terms\":true}",
                "{\"email\":\"ada@example.com\",\"organization_name\":\"\",\"accept_terms\":true}",
                "{\"email\":\"ada@example.com\",\"organization_name\":\"a\\u0000b\",\"accept_terms\":true}",
                "{\"email\":\"ada@example.com\",\"organization_name\":\"X\",\"accept_terms\":\"yes\"}",
                "{\"email\":[\"ada@example.com\"],\"organization_name\":\"X\",\"accept_terms\":true}",
                "{\"organization_name\":\"X\",\"accept_terms\":true}",
            })
    void hostileRegisterArgumentsAreToolErrorsThatSayWhatToFix(String arguments) throws Exception {
        McpHttpClient.Reply reply = client(null).callTool("register_account", arguments);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.isToolError()).isTrue();
        assertThat(reply.text()).isNotBlank().doesNotContain("Exception").doesNotContain("com.claribi");
        assertThat(mail.getReceivedMessages()).hasSize(1);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {
                "{\"pending_id\":\"ps_x\",\"code\":\"12345\",\"password\":\"a long enough passphrase\"}",
                "{\"pending_id\":\"ps_x\",\"code\":\"123456\",\"password\":\"short\"}",
                "{\"pending_id\":\"' OR 1=1 --\",\"code\":\"123456\",\"password\":\"a long enough passphrase\"}",
                "{\"pending_id\":\"ps_x\",\"code\":123456,\"password\":\"a long enough passphrase\"}",
                "{\"pending_id\":\"ps_x\",\"code\":\"123456\"}",
            })
    void hostileVerifyArgumentsAreToolErrorsThatNeverEchoThePassword(String arguments) throws Exception {
        McpHttpClient.Reply reply = client(null).callTool("verify_email", arguments);

        assertThat(reply.isToolError()).isTrue();
        assertThat(reply.text())
                .isNotBlank()
                .doesNotContain("a long enough passphrase")
                .doesNotContain("short\"");
    }

    private static String registerArguments(String email) {
        return "{\"email\":\"" + email + "\",\"organization_name\":\"Org\",\"accept_terms\":true}";
    }

    /** The body with what differs on every call anyway (ids, times) blanked out. */
    private static String normalize(String body) {
        return body.replaceAll("ps_[0-9A-Za-z]{20}", "ps_X")
                .replaceAll("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z", "TIME")
                .replaceAll("\"id\":\\d+", "\"id\":N");
    }
}
