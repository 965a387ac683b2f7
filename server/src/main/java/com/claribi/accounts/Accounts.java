package com.claribi.accounts;

import com.claribi.auth.Scope;
import com.claribi.platform.ClariException;
import com.claribi.platform.ErrorCode;
import com.claribi.storage.MetadataStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The accounts feature: users, workspaces, membership, API keys and access tokens in the metadata
 * store. Signup lives in {@link Signup}. Thread-safe; every method is one short transaction.
 */
public final class Accounts {
    /** How often a key's {@code last_used_at} is rewritten at most: recording use costs no write per call. */
    static final Duration LAST_USE_RESOLUTION = Duration.ofMinutes(1);

    private final Jdbi jdbi;
    private final Clock clock;

    public Accounts(Jdbi jdbi, Clock clock) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    Jdbi jdbi() {
        return jdbi;
    }

    Clock clock() {
        return clock;
    }

    // ---- users and workspaces ----

    /**
     * Creates a user. {@code password} empty means the user signs in only with keys until one is set.
     *
     * @throws ClariException CONFLICT when the email already has an account
     */
    public User createUser(String email, Optional<String> password) {
        String normalized = Emails.normalize(email);
        Optional<String> hash = password.map(Passwords::hash);
        return jdbi.inTransaction(handle -> insertUser(handle, normalized, hash));
    }

    User insertUser(Handle handle, String normalizedEmail, Optional<String> passwordHash) {
        String conflict = "An account with this email already exists.";
        if (userIdByEmail(handle, normalizedEmail).isPresent()) {
            throw new ClariException(ErrorCode.CONFLICT, conflict);
        }
        User user = new User(Tokens.id("usr_"), normalizedEmail, now());
        // A concurrent signup for the same address loses on the unique constraint, not silently.
        return MetadataStore.unique(conflict, () -> {
            handle.createUpdate("INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)")
                    .bind(0, user.id())
                    .bind(1, user.email())
                    .bind(2, passwordHash.orElse(null))
                    .bind(3, utc(user.createdAt()))
                    .execute();
            return user;
        });
    }

    /** Removes a user from a workspace; their keys and tokens for it stop working at once. */
    public boolean removeMember(String workspaceId, String userId) {
        return jdbi.withHandle(
                        handle -> handle.createUpdate("DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?")
                                .bind(0, workspaceId)
                                .bind(1, userId)
                                .execute())
                > 0;
    }

    /** Creates a workspace owned by {@code ownerUserId}. */
    public Workspace createWorkspace(String name, String tier, Optional<Instant> trialEndsAt, String ownerUserId) {
        String cleanName = requireName(name, "workspace name", 200);
        return jdbi.inTransaction(handle -> {
            if (user(handle, ownerUserId).isEmpty()) {
                throw ClariException.notFound("No user " + ownerUserId + ".");
            }
            return insertWorkspace(handle, cleanName, tier, trialEndsAt, ownerUserId);
        });
    }

    Workspace insertWorkspace(
            Handle handle, String name, String tier, Optional<Instant> trialEndsAt, String ownerUserId) {
        Workspace workspace = new Workspace(Tokens.id("ws_"), name, tier, trialEndsAt, now());
        handle.createUpdate("INSERT INTO workspaces (id, name, tier, trial_ends_at, created_at) VALUES (?, ?, ?, ?, ?)")
                .bind(0, workspace.id())
                .bind(1, workspace.name())
                .bind(2, workspace.tier())
                .bind(3, trialEndsAt.map(Accounts::utc).orElse(null))
                .bind(4, utc(workspace.createdAt()))
                .execute();
        addMember(handle, workspace.id(), ownerUserId, Role.OWNER);
        return workspace;
    }

    /** Adds {@code userId} to a workspace, or changes their role. */
    public void setMember(String workspaceId, String userId, Role role) {
        jdbi.useTransaction(handle -> {
            handle.createUpdate("DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?")
                    .bind(0, workspaceId)
                    .bind(1, userId)
                    .execute();
            addMember(handle, workspaceId, userId, role);
        });
    }

    private void addMember(Handle handle, String workspaceId, String userId, Role role) {
        handle.createUpdate("INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)")
                .bind(0, workspaceId)
                .bind(1, userId)
                .bind(2, role.wireName())
                .bind(3, utc(now()))
                .execute();
    }

    public Optional<User> user(String userId) {
        return jdbi.withHandle(handle -> user(handle, userId));
    }

    public Optional<User> userByEmail(String email) {
        String normalized;
        try {
            normalized = Emails.normalize(email);
        } catch (ClariException e) {
            return Optional.empty();
        }
        return jdbi.withHandle(handle -> userIdByEmail(handle, normalized).flatMap(id -> user(handle, id)));
    }

    private static Optional<User> user(Handle handle, String userId) {
        return handle.createQuery("SELECT id, email, created_at FROM users WHERE id = ?")
                .bind(0, userId)
                .map((rs, ctx) -> new User(rs.getString("id"), rs.getString("email"), instant(rs, "created_at")))
                .findOne();
    }

    static Optional<String> userIdByEmail(Handle handle, String normalizedEmail) {
        return handle.createQuery("SELECT id FROM users WHERE email = ?")
                .bind(0, normalizedEmail)
                .mapTo(String.class)
                .findOne();
    }

    /** Checks a user's password; false for unknown users and users without one. */
    public boolean passwordMatches(String userId, String password) {
        Optional<String> hash =
                jdbi.withHandle(handle -> handle.createQuery("SELECT password_hash FROM users WHERE id = ?")
                        .bind(0, userId)
                        .mapTo(String.class)
                        .findOne());
        return hash.isPresent() && Passwords.matches(password, hash.get());
    }

    public Optional<Workspace> workspace(String workspaceId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT id, name, tier, trial_ends_at, created_at FROM workspaces WHERE id = ?")
                .bind(0, workspaceId)
                .map((rs, ctx) -> workspace(rs))
                .findOne());
    }

    /** Every workspace, oldest first (operator CLI). */
    public List<Workspace> workspaces() {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT id, name, tier, trial_ends_at, created_at FROM workspaces ORDER BY created_at, id")
                .map((rs, ctx) -> workspace(rs))
                .list());
    }

    /** The workspaces {@code userId} belongs to, oldest first. */
    public List<Workspace> workspacesOf(String userId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT w.id, w.name, w.tier, w.trial_ends_at, w.created_at FROM workspaces w"
                                + " JOIN memberships m ON m.workspace_id = w.id WHERE m.user_id = ?"
                                + " ORDER BY w.created_at, w.id")
                .bind(0, userId)
                .map((rs, ctx) -> workspace(rs))
                .list());
    }

    public List<Membership> members(String workspaceId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT m.workspace_id, m.user_id, u.email, m.role FROM memberships m"
                                + " JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? ORDER BY m.created_at, u.email")
                .bind(0, workspaceId)
                .map((rs, ctx) -> new Membership(
                        rs.getString("workspace_id"),
                        rs.getString("user_id"),
                        rs.getString("email"),
                        Role.fromWireName(rs.getString("role")).orElseThrow()))
                .list());
    }

    public Optional<Role> role(String workspaceId, String userId) {
        return jdbi.withHandle(handle -> handle.createQuery(
                                "SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?")
                        .bind(0, workspaceId)
                        .bind(1, userId)
                        .mapTo(String.class)
                        .findOne())
                .flatMap(Role::fromWireName);
    }

    /**
     * Sets a workspace's stored tier. Callers validate {@code tier} against the pricing config.
     *
     * @param trialEndsAt the new trial end, or empty to clear it
     * @throws ClariException NOT_FOUND for an unknown workspace
     */
    public Workspace setTier(String workspaceId, String tier, Optional<Instant> trialEndsAt) {
        int changed = jdbi.withHandle(
                handle -> handle.createUpdate("UPDATE workspaces SET tier = ?, trial_ends_at = ? WHERE id = ?")
                        .bind(0, tier)
                        .bind(1, trialEndsAt.map(Accounts::utc).orElse(null))
                        .bind(2, workspaceId)
                        .execute());
        if (changed == 0) {
            throw ClariException.notFound("No workspace " + workspaceId + ".");
        }
        return workspace(workspaceId).orElseThrow();
    }

    // ---- API keys ----

    /**
     * Mints a key for {@code userId} in {@code workspaceId}. The returned secret is shown once; only
     * its SHA-256 is stored.
     */
    public MintedKey mintKey(String workspaceId, String userId, KeyKind kind, String name, Set<Scope> scopes) {
        String cleanName = requireName(name, "key name", 100);
        if (scopes.isEmpty()) {
            throw ClariException.invalid("A key needs at least one scope.");
        }
        return jdbi.inTransaction(handle -> {
            if (role(handle, workspaceId, userId).isEmpty()) {
                throw ClariException.notFound("No membership of " + userId + " in workspace " + workspaceId + ".");
            }
            return insertKey(handle, workspaceId, userId, kind, cleanName, scopes);
        });
    }

    MintedKey insertKey(
            Handle handle, String workspaceId, String userId, KeyKind kind, String name, Set<Scope> scopes) {
        String secret = Tokens.mintSecret(kind.prefix());
        ApiKey key = new ApiKey(
                Tokens.id("key_"),
                workspaceId,
                userId,
                kind,
                name,
                Tokens.displayHint(secret, kind.prefix()),
                scopes,
                now(),
                Optional.empty(),
                Optional.empty());
        handle.createUpdate("INSERT INTO api_keys (id, workspace_id, user_id, kind, name, secret_sha256,"
                        + " display_hint, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(0, key.id())
                .bind(1, workspaceId)
                .bind(2, userId)
                .bind(3, kind.wireName())
                .bind(4, name)
                .bind(5, Tokens.sha256Hex(secret))
                .bind(6, key.displayHint())
                .bind(7, scopesText(scopes))
                .bind(8, utc(key.createdAt()))
                .execute();
        return new MintedKey(key, secret);
    }

    /** The workspace's keys, newest first, revoked ones included. */
    public List<ApiKey> keys(String workspaceId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT id, workspace_id, user_id, kind, name,"
                        + " display_hint, scopes, created_at, last_used_at, revoked_at FROM api_keys"
                        + " WHERE workspace_id = ? ORDER BY created_at DESC, id")
                .bind(0, workspaceId)
                .map((rs, ctx) -> apiKey(rs))
                .list());
    }

    public Optional<ApiKey> key(String workspaceId, String keyId) {
        return keys(workspaceId).stream().filter(key -> key.id().equals(keyId)).findFirst();
    }

    /**
     * Revokes a key of {@code workspaceId}; a key of another workspace is not found.
     *
     * @return false when there is no such key in the workspace
     */
    public boolean revokeKey(String workspaceId, String keyId) {
        return jdbi.withHandle(handle -> {
                    handle.createUpdate("UPDATE api_keys SET revoked_at = ? WHERE workspace_id = ? AND id = ?"
                                    + " AND revoked_at IS NULL")
                            .bind(0, utc(now()))
                            .bind(1, workspaceId)
                            .bind(2, keyId)
                            .execute();
                    return handle.createQuery("SELECT COUNT(*) FROM api_keys WHERE workspace_id = ? AND id = ?")
                            .bind(0, workspaceId)
                            .bind(1, keyId)
                            .mapTo(Integer.class)
                            .one();
                })
                > 0;
    }

    // ---- access tokens ----

    /** Issues a bearer access token valid for {@code lifetime}; only its SHA-256 is stored. */
    public IssuedToken issueAccessToken(String workspaceId, String userId, Set<Scope> scopes, Duration lifetime) {
        return jdbi.inTransaction(handle -> insertAccessToken(handle, workspaceId, userId, scopes, lifetime));
    }

    IssuedToken insertAccessToken(
            Handle handle, String workspaceId, String userId, Set<Scope> scopes, Duration lifetime) {
        String secret = Tokens.mintSecret(Tokens.ACCESS_TOKEN_PREFIX);
        Instant now = now();
        IssuedToken token = new IssuedToken(Tokens.id("at_"), secret, now.plus(lifetime));
        handle.createUpdate("INSERT INTO access_tokens (id, workspace_id, user_id, token_sha256, scopes,"
                        + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(0, token.id())
                .bind(1, workspaceId)
                .bind(2, userId)
                .bind(3, Tokens.sha256Hex(secret))
                .bind(4, scopesText(scopes))
                .bind(5, utc(now))
                .bind(6, utc(token.expiresAt()))
                .execute();
        return token;
    }

    // ---- credential resolution ----

    /**
     * Resolves a bearer secret to the live key or token it is, recording the use of a key. Malformed,
     * unknown, revoked and expired secrets all resolve to empty; the caller cannot tell them apart.
     */
    public Optional<ResolvedCredential> resolve(String bearer) {
        Optional<ResolvedCredential.CredentialType> type = ResolvedCredential.CredentialType.ofPrefix(bearer);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        return switch (type.get()) {
            case MCP_API_KEY -> resolveKey(bearer, KeyKind.MCP);
            case REST_API_KEY -> resolveKey(bearer, KeyKind.REST);
            case ACCESS_TOKEN -> resolveAccessToken(bearer);
        };
    }

    private Optional<ResolvedCredential> resolveKey(String bearer, KeyKind kind) {
        if (!Tokens.wellFormed(bearer, kind.prefix())) {
            return Optional.empty();
        }
        String hash = Tokens.sha256Hex(bearer);
        Instant now = now();
        return jdbi.withHandle(handle -> {
            Optional<KeyRow> row = handle.createQuery("SELECT id, workspace_id, user_id, kind, scopes, last_used_at"
                            + " FROM api_keys k WHERE secret_sha256 = ? AND revoked_at IS NULL AND EXISTS (SELECT 1"
                            + " FROM memberships m WHERE m.workspace_id = k.workspace_id AND m.user_id = k.user_id)")
                    .bind(0, hash)
                    .map((rs, ctx) -> new KeyRow(
                            rs.getString("id"),
                            rs.getString("workspace_id"),
                            rs.getString("user_id"),
                            rs.getString("kind"),
                            scopesOf(rs.getString("scopes")),
                            optionalInstant(rs, "last_used_at")))
                    .findOne()
                    .filter(key -> key.kind().equals(kind.wireName()));
            row.ifPresent(key -> {
                if (key.lastUsedAt().isEmpty()
                        || key.lastUsedAt().get().plus(LAST_USE_RESOLUTION).isBefore(now)) {
                    handle.createUpdate("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
                            .bind(0, utc(now))
                            .bind(1, key.id())
                            .execute();
                }
            });
            return row.map(key -> new ResolvedCredential(
                    kind == KeyKind.MCP
                            ? ResolvedCredential.CredentialType.MCP_API_KEY
                            : ResolvedCredential.CredentialType.REST_API_KEY,
                    key.id(),
                    key.userId(),
                    key.workspaceId(),
                    key.scopes()));
        });
    }

    private Optional<ResolvedCredential> resolveAccessToken(String bearer) {
        if (!Tokens.wellFormed(bearer, Tokens.ACCESS_TOKEN_PREFIX)) {
            return Optional.empty();
        }
        return jdbi.withHandle(handle -> handle.createQuery("SELECT id, workspace_id, user_id, scopes FROM"
                        + " access_tokens WHERE token_sha256 = ? AND revoked_at IS NULL AND expires_at > ?")
                .bind(0, Tokens.sha256Hex(bearer))
                .bind(1, utc(now()))
                .map((rs, ctx) -> new ResolvedCredential(
                        ResolvedCredential.CredentialType.ACCESS_TOKEN,
                        rs.getString("id"),
                        rs.getString("user_id"),
                        rs.getString("workspace_id"),
                        scopesOf(rs.getString("scopes"))))
                .findOne());
    }

    private record KeyRow(
            String id,
            String workspaceId,
            String userId,
            String kind,
            Set<Scope> scopes,
            Optional<Instant> lastUsedAt) {}

    // ---- helpers ----

    private static Optional<Role> role(Handle handle, String workspaceId, String userId) {
        return handle.createQuery("SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?")
                .bind(0, workspaceId)
                .bind(1, userId)
                .mapTo(String.class)
                .findOne()
                .flatMap(Role::fromWireName);
    }

    Instant now() {
        return clock.instant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    static Optional<Instant> optionalInstant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? Optional.empty() : Optional.of(value.toInstant());
    }

    static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? Optional.empty() : Optional.of(value.toInstant());
    }

    private static Workspace workspace(ResultSet rs) throws SQLException {
        return new Workspace(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("tier"),
                optionalInstant(rs, "trial_ends_at"),
                instant(rs, "created_at"));
    }

    private static ApiKey apiKey(ResultSet rs) throws SQLException {
        return new ApiKey(
                rs.getString("id"),
                rs.getString("workspace_id"),
                rs.getString("user_id"),
                KeyKind.fromWireName(rs.getString("kind")).orElseThrow(),
                rs.getString("name"),
                rs.getString("display_hint"),
                scopesOf(rs.getString("scopes")),
                instant(rs, "created_at"),
                optionalInstant(rs, "last_used_at"),
                optionalInstant(rs, "revoked_at"));
    }

    static String scopesText(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::wireName).collect(Collectors.joining(" "));
    }

    static Set<Scope> scopesOf(String text) {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        Arrays.stream(text.split(" "))
                .map(Scope::fromWireName)
                .flatMap(Optional::stream)
                .forEach(scopes::add);
        return scopes;
    }

    static String requireName(String name, String what, int maxLength) {
        if (name == null || name.isBlank()) {
            throw ClariException.invalid(what + " is required.");
        }
        String stripped = name.strip();
        if (stripped.length() > maxLength) {
            throw ClariException.invalid(what + " must be at most " + maxLength + " characters.");
        }
        if (stripped.chars().anyMatch(Character::isISOControl)) {
            throw ClariException.invalid(what + " must not contain control characters.");
        }
        return stripped;
    }
}
