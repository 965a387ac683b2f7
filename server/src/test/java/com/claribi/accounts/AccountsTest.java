package com.claribi.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.claribi.auth.Scope;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.storage.MetadataStore;
import com.claribi.testsupport.MetadataStores;
import com.claribi.testsupport.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Users, workspaces, membership, keys and tokens against both metadata stores. */
class AccountsTest {
    @TempDir
    Path folder;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-10T09:00:00Z"));

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void aWorkspaceHasItsCreatorAsOwnerAndEmailsAreUniqueIgnoringCase(MetadataStores stores) {
        try (MetadataStore store = stores.open(folder)) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            User ada = accounts.createUser("Ada@Example.com", Optional.of("correct horse battery"));
            Workspace workspace = accounts.createWorkspace("Analytical Engines", "starter", Optional.empty(), ada.id());

            assertThat(ada.email()).isEqualTo("ada@example.com");
            assertThat(accounts.role(workspace.id(), ada.id())).contains(Role.OWNER);
            assertThat(accounts.workspacesOf(ada.id()))
                    .extracting(Workspace::id)
                    .containsExactly(workspace.id());
            assertThat(accounts.members(workspace.id()))
                    .extracting(Membership::email)
                    .containsExactly("ada@example.com");
            assertThat(accounts.passwordMatches(ada.id(), "correct horse battery"))
                    .isTrue();
            assertThat(accounts.passwordMatches(ada.id(), "correct horse batterY"))
                    .isFalse();
            assertThatThrownBy(() -> accounts.createUser("ADA@example.com", Optional.empty()))
                    .isInstanceOfSatisfying(
                            ClariException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));

            User grace = accounts.createUser("grace@example.com", Optional.empty());
            accounts.setMember(workspace.id(), grace.id(), Role.MEMBER);
            accounts.setMember(workspace.id(), grace.id(), Role.ADMIN);
            assertThat(accounts.role(workspace.id(), grace.id())).contains(Role.ADMIN);
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void aMintedKeyResolvesUntilRevokedAndOnlyItsHashIsStored(MetadataStores stores) {
        try (MetadataStore store = stores.open(folder)) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            User ada = accounts.createUser("ada@example.com", Optional.empty());
            Workspace workspace = accounts.createWorkspace("Engines", "trial", Optional.empty(), ada.id());

            MintedKey minted =
                    accounts.mintKey(workspace.id(), ada.id(), KeyKind.MCP, "laptop", EnumSet.of(Scope.USAGE_READ));

            assertThat(minted.secret()).matches("claribi_mcp_[0-9A-Za-z]{46}");
            assertThat(minted.toString()).doesNotContain(minted.secret());
            assertThat(storedText(store)).doesNotContain(minted.secret());
            ResolvedCredential resolved = accounts.resolve(minted.secret()).orElseThrow();
            assertThat(resolved.workspaceId()).isEqualTo(workspace.id());
            assertThat(resolved.scopes()).containsExactly(Scope.USAGE_READ);
            assertThat(resolved.type()).isEqualTo(ResolvedCredential.CredentialType.MCP_API_KEY);
            assertThat(accounts.key(workspace.id(), minted.key().id())
                            .orElseThrow()
                            .lastUsedAt())
                    .contains(clock.instant());

            User grace = accounts.createUser("grace@example.com", Optional.empty());
            accounts.setMember(workspace.id(), grace.id(), Role.MEMBER);
            MintedKey graceKey =
                    accounts.mintKey(workspace.id(), grace.id(), KeyKind.MCP, "grace", EnumSet.of(Scope.USAGE_READ));
            assertThat(accounts.resolve(graceKey.secret())).isPresent();
            assertThat(accounts.removeMember(workspace.id(), grace.id())).isTrue();
            assertThat(accounts.resolve(graceKey.secret()))
                    .as("a removed member's key")
                    .isEmpty();

            assertThat(accounts.revokeKey(workspace.id(), minted.key().id())).isTrue();
            assertThat(accounts.resolve(minted.secret())).isEmpty();
            assertThat(accounts.key(workspace.id(), minted.key().id())
                            .orElseThrow()
                            .revoked())
                    .isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void tamperedTruncatedAndForeignSecretsDoNotResolve(MetadataStores stores) {
        try (MetadataStore store = stores.open(folder)) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            User ada = accounts.createUser("ada@example.com", Optional.empty());
            Workspace mine = accounts.createWorkspace("Mine", "trial", Optional.empty(), ada.id());
            User eve = accounts.createUser("eve@example.com", Optional.empty());
            Workspace hers = accounts.createWorkspace("Hers", "trial", Optional.empty(), eve.id());
            String secret = accounts.mintKey(mine.id(), ada.id(), KeyKind.REST, "ci", Set.of(Scope.USAGE_READ))
                    .secret();
            char last = secret.charAt(secret.length() - 1);
            String tampered = secret.substring(0, secret.length() - 1) + (last == 'a' ? 'b' : 'a');

            assertThat(accounts.resolve(tampered)).isEmpty();
            assertThat(accounts.resolve(secret.substring(0, 30))).isEmpty();
            assertThat(accounts.resolve(secret + "x")).isEmpty();
            assertThat(accounts.resolve(secret.replace("claribi_api_", "claribi_mcp_")))
                    .isEmpty();
            assertThat(accounts.resolve("' OR 1=1 --")).isEmpty();
            assertThat(accounts.resolve("")).isEmpty();
            String keyId = accounts.keys(mine.id()).getFirst().id();
            assertThat(accounts.revokeKey(hers.id(), keyId)).isFalse();
            assertThat(accounts.resolve(secret)).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void anAccessTokenExpiresAfterItsLifetime(MetadataStores stores) {
        try (MetadataStore store = stores.open(folder)) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            User ada = accounts.createUser("ada@example.com", Optional.empty());
            Workspace workspace = accounts.createWorkspace("Engines", "trial", Optional.empty(), ada.id());
            IssuedToken token = accounts.issueAccessToken(
                    workspace.id(), ada.id(), EnumSet.allOf(Scope.class), Duration.ofHours(1));

            assertThat(accounts.resolve(token.secret())).isPresent();
            clock.advance(Duration.ofMinutes(59));
            assertThat(accounts.resolve(token.secret())).isPresent();
            clock.advance(Duration.ofMinutes(1));
            assertThat(accounts.resolve(token.secret())).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(MetadataStores.class)
    void hostileNamesAreRefusedWithAReason(MetadataStores stores) {
        try (MetadataStore store = stores.open(folder)) {
            Accounts accounts = new Accounts(store.jdbi(), clock);
            User ada = accounts.createUser("ada@example.com", Optional.empty());

            assertThatThrownBy(() -> accounts.createWorkspace("a\u0000b", "trial", Optional.empty(), ada.id()))
                    .hasMessageContaining("control characters");
            assertThatThrownBy(() -> accounts.createWorkspace("x".repeat(201), "trial", Optional.empty(), ada.id()))
                    .hasMessageContaining("at most 200");
            assertThatThrownBy(() -> accounts.createUser("not an email", Optional.empty()))
                    .hasMessageContaining("email must be an address");
            assertThatThrownBy(() -> accounts.createUser("bob@example.com", Optional.of("short")))
                    .hasMessageContaining("at least 12 characters");
        }
    }

    /** Every text column of the tables that could hold a secret, concatenated. */
    static String storedText(MetadataStore store) {
        return store.jdbi()
                .withHandle(handle -> String.join(
                        "\n",
                        handle.createQuery("SELECT CONCAT(id, ' ', secret_sha256, ' ', display_hint) FROM api_keys")
                                .mapTo(String.class)
                                .list()
                                .toString(),
                        handle.createQuery("SELECT CONCAT(id, ' ', token_sha256) FROM access_tokens")
                                .mapTo(String.class)
                                .list()
                                .toString(),
                        handle.createQuery("SELECT CONCAT(id, ' ', email, ' ', COALESCE(password_hash, '')) FROM users")
                                .mapTo(String.class)
                                .list()
                                .toString()));
    }
}
