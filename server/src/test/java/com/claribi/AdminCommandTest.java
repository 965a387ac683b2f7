package com.claribi;

import static org.assertj.core.api.Assertions.assertThat;

import com.claribi.accounts.Accounts;
import com.claribi.accounts.ResolvedCredential;
import com.claribi.auth.Scope;
import com.claribi.platform.Config;
import com.claribi.storage.MetadataStore;
import com.claribi.testsupport.MetadataStores;
import com.claribi.testsupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/** {@code claribi admin …} invoked in-process against both metadata stores. */
class AdminCommandTest {
    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-10T09:00:00Z"));

    private record Run(int exitCode, String out, String err) {}

    private Run admin(Config config, String stdin, String... args) {
        CommandLine commandLine = new CommandLine(new AdminCommand(
                () -> config, clock, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String match(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return matcher.group(1);
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void anOperatorCreatesAUserSetsATierMintsAKeyAndListsWorkspaces(MetadataStores stores) {
        Config config = stores.configure(Config.defaults().withHome(home));

        Run created = admin(
                config,
                "operator chosen password\n",
                "create-user",
                "--email",
                "Ada@Example.com",
                "--password-stdin",
                "--workspace",
                "Engines");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String userId = match(created.out(), "user (usr_\\w+) ada@example.com");
        String workspaceId = match(created.out(), "workspace (ws_\\w+) Engines tier=trial");
        assertThat(created.out()).doesNotContain("operator chosen password");

        Run listed = admin(config, "", "list-workspaces");
        assertThat(listed.out())
                .contains(workspaceId)
                .contains("trial")
                .contains("2026-03-24T09:00:00")
                .contains("Engines");

        Run tier = admin(config, "", "set-tier", "--workspace", workspaceId, "--tier", "starter");
        assertThat(tier.exitCode()).as(tier.err()).isZero();
        assertThat(admin(config, "", "list-workspaces").out()).contains("starter");

        Run minted = admin(
                config,
                "",
                "mint-key",
                "--workspace",
                workspaceId,
                "--kind",
                "rest",
                "--scopes",
                "usage:read,billing:read");
        assertThat(minted.exitCode()).as(minted.err()).isZero();
        String secret = match(minted.out(), "(claribi_api_\\w+)");

        try (MetadataStore store = MetadataStore.open(config.database(), config.home())) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            ResolvedCredential credential = accounts.resolve(secret).orElseThrow();
            assertThat(credential.userId()).isEqualTo(userId);
            assertThat(credential.workspaceId()).isEqualTo(workspaceId);
            assertThat(credential.scopes()).containsExactlyInAnyOrder(Scope.USAGE_READ, Scope.BILLING_READ);
            assertThat(accounts.passwordMatches(userId, "operator chosen password"))
                    .isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void refusalsExitWithOneAndSayWhy(MetadataStores stores) {
        Config config = stores.configure(Config.defaults().withHome(home));
        Run created = admin(config, "", "create-user", "--email", "ada@example.com", "--workspace", "Engines");
        String workspaceId = match(created.out(), "workspace (ws_\\w+)");

        Run unknownTier = admin(config, "", "set-tier", "--workspace", workspaceId, "--tier", "platinum");
        assertThat(unknownTier.exitCode()).isEqualTo(1);
        assertThat(unknownTier.err()).contains("Unknown tier \"platinum\"").contains("starter");

        Run unknownWorkspace = admin(config, "", "set-tier", "--workspace", "ws_nope", "--tier", "free");
        assertThat(unknownWorkspace.exitCode()).isEqualTo(1);
        assertThat(unknownWorkspace.err()).contains("No workspace ws_nope");

        Run badKind = admin(config, "", "mint-key", "--workspace", workspaceId, "--kind", "soap");
        assertThat(badKind.exitCode()).isEqualTo(1);
        assertThat(badKind.err()).contains("--kind must be mcp or rest");

        Run badScope = admin(config, "", "mint-key", "--workspace", workspaceId, "--kind", "mcp", "--scopes", "root");
        assertThat(badScope.err()).contains("Unknown scope \"root\"");

        Run duplicate = admin(config, "", "create-user", "--email", "ADA@example.com");
        assertThat(duplicate.exitCode()).isEqualTo(1);
        assertThat(duplicate.err()).contains("already exists");

        Run shortPassword = admin(config, "short\n", "create-user", "--email", "bob@example.com", "--password-stdin");
        assertThat(shortPassword.exitCode()).isEqualTo(1);
        assertThat(shortPassword.err()).contains("at least 12 characters").doesNotContain("short\n");

        Run missing = admin(config, "", "mint-key", "--kind", "mcp");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--workspace");
    }
}
