package com.claribi.web;

import com.claribi.accounts.Accounts;
import com.claribi.accounts.ApiKey;
import com.claribi.accounts.KeyKind;
import com.claribi.accounts.MintedKey;
import com.claribi.accounts.Signup;
import com.claribi.accounts.SignupCompleted;
import com.claribi.accounts.SignupStarted;
import com.claribi.accounts.User;
import com.claribi.accounts.Workspace;
import com.claribi.auth.Scope;
import com.claribi.auth.oauth.AuthorizationCheck;
import com.claribi.auth.oauth.AuthorizationRequest;
import com.claribi.auth.oauth.AuthorizationServer;
import com.claribi.auth.oauth.FormData;
import com.claribi.auth.oauth.OAuthClient;
import com.claribi.http.HttpResponses;
import com.claribi.http.HttpServer;
import com.claribi.http.RefusedBodies;
import com.claribi.platform.ClariException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-rendered web app (SPEC §1 "/"): sign-in, sign-up, the OAuth consent screen at {@code
 * /mcp/v1/oauth/authorize}, and Settings › Developer › MCP Server. Sessions ride a {@code
 * __Host-claribi_session} cookie (Secure, HttpOnly, SameSite=Lax); every form carries a CSRF token
 * (the session's, or a double-submit cookie before sign-in) and cross-origin posts are refused.
 * Every page forbids framing ({@code frame-ancestors 'none'}).
 */
public final class WebApp extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(WebApp.class);
    static final String SESSION_COOKIE = "__Host-claribi_session";
    static final String PRE_SESSION_COOKIE = "__Host-claribi_csrf";
    static final String AUTHORIZE_PATH = "/mcp/v1/oauth/authorize";
    private static final int MAX_FORM_BYTES = 16 * 1024;
    private static final String CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final Accounts accounts;
    private final Signup signup;
    private final AuthorizationServer oauth;
    private final WebSessions sessions;
    private final Supplier<URI> publicUrl;
    private final Cache<String, Bucket> signInBuckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();

    public WebApp(
            Accounts accounts,
            Signup signup,
            AuthorizationServer oauth,
            org.jdbi.v3.core.Jdbi jdbi,
            Clock clock,
            Supplier<URI> publicUrl) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.signup = Objects.requireNonNull(signup, "signup");
        this.oauth = Objects.requireNonNull(oauth, "oauth");
        this.sessions = new WebSessions(jdbi, clock);
        this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
    }

    public void register(HttpServer.Routes routes) {
        // "/" alone would be Jetty's default mapping (every unknown path): the root is mapped exactly.
        routes.add("^/$", this);
        for (String path : List.of(
                "/sign-in",
                "/sign-up",
                "/sign-up/verify",
                "/sign-out",
                "/settings",
                "/settings/developer",
                "/settings/developer/keys",
                "/settings/developer/keys/revoke",
                "/assets/app.css",
                "/assets/app.js",
                AUTHORIZE_PATH)) {
            routes.add(path, this);
        }
    }

    /** A page to answer: status, HTML, and optionally cookies to set. */
    private record Page(int status, String html, Optional<String> location, List<HttpCookie> cookies) {
        static Page html(int status, String html, HttpCookie... cookies) {
            return new Page(status, html, Optional.empty(), List.of(cookies));
        }

        static Page redirect(String location, HttpCookie... cookies) {
            return new Page(303, "", Optional.of(location), List.of(cookies));
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if (path.startsWith("/assets/")) {
            return asset(path, response, callback);
        }
        Page page;
        try {
            if (method.equals("POST") && !sameOrigin(request)) {
                page = Page.html(403, errorPage("This form was sent from another site, so clariBI ignored it."));
            } else {
                page = route(request, path, method);
            }
        } catch (ClariException e) {
            page = Page.html(400, errorPage(e.getMessage()));
        } catch (RuntimeException e) {
            log.error("web page {} failed", path, e);
            page = Page.html(500, errorPage("Something went wrong on our side. Please try again."));
        }
        write(response, callback, page);
        return true;
    }

    private Page route(Request request, String path, String method) {
        Optional<WebSessions.Session> session = session(request);
        return switch (path) {
            case "/", "/settings" -> Page.redirect(session.isPresent() ? "/settings/developer" : "/sign-in");
            case "/sign-in" -> method.equals("POST") ? signIn(request) : signInForm(request, Map.of(), null);
            case "/sign-up" -> method.equals("POST") ? signUp(request) : signUpForm(request, null);
            case "/sign-up/verify" -> method.equals("POST") ? verify(request) : Page.redirect("/sign-up");
            case "/sign-out" -> signOut(request, session);
            case AUTHORIZE_PATH ->
                method.equals("POST") ? consentDecision(request, session) : authorize(request, session);
            case "/settings/developer" ->
                session.map(s -> developer(s, Optional.empty())).orElseGet(() -> toSignIn(request));
            case "/settings/developer/keys" ->
                method.equals("POST") && session.isPresent() ? mintKey(request, session.get()) : toSignIn(request);
            case "/settings/developer/keys/revoke" ->
                method.equals("POST") && session.isPresent() ? revokeKey(request, session.get()) : toSignIn(request);
            default -> Page.html(404, errorPage("There is no page here."));
        };
    }

    // ---- sign-in ----

    private Page signInForm(Request request, Map<String, String> values, String error) {
        String csrf = WebSessions.random();
        String next = safeNext(values.getOrDefault("next", query(request).getOrDefault("next", "")));
        String body = """
                <h1>Sign in to clariBI</h1>
                <p class="lead">Use the email and password of your clariBI account.</p>
                %s
                <form method="post" action="/sign-in" class="stack">
                  <input type="hidden" name="csrf" value="%s">
                  <input type="hidden" name="next" value="%s">
                  <label for="email">Email</label>
                  <input id="email" name="email" type="email" autocomplete="username" required value="%s">
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="current-password" required>
                  <button class="button primary wide" type="submit">Sign in</button>
                </form>
                <p class="switch">New to clariBI? <a href="/sign-up%s">Create an account</a></p>
                """.formatted(
                        alert(error),
                        csrf,
                        Html.escape(next),
                        Html.escape(values.getOrDefault("email", "")),
                        next.isEmpty() ? "" : "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        return Page.html(error == null ? 200 : 400, Html.card("Sign in", body), preSessionCookie(csrf));
    }

    private Page signIn(Request request) {
        Map<String, String> form = form(request);
        if (!WebSessions.same(form.get("csrf"), cookie(request, PRE_SESSION_COOKIE))) {
            return Page.html(403, errorPage("This sign-in form expired. Go back, reload the page and try again."));
        }
        Bucket bucket = signInBuckets.get(
                Request.getRemoteAddr(request),
                address -> Bucket.builder()
                        .addLimit(Bandwidth.builder()
                                .capacity(10)
                                .refillGreedy(10, Duration.ofMinutes(5))
                                .build())
                        .build());
        if (!bucket.tryConsume(1)) {
            return signInForm(request, form, "Too many sign-in attempts. Wait a few minutes and try again.");
        }
        String email = form.getOrDefault("email", "");
        String password = form.getOrDefault("password", "");
        Optional<User> user = email.length() > 320 ? Optional.empty() : accounts.userByEmail(email);
        if (user.isEmpty()
                || password.length() > 1024
                || !accounts.passwordMatches(user.get().id(), password)) {
            return signInForm(request, form, "That email and password do not match an account.");
        }
        return startSession(user.get().id(), safeNext(form.getOrDefault("next", "")));
    }

    private Page startSession(String userId, String next) {
        WebSessions.Created created = sessions.create(userId);
        return Page.redirect(
                next.isEmpty() ? "/settings/developer" : next,
                HttpCookie.build(SESSION_COOKIE, created.cookieValue())
                        .path("/")
                        .secure(true)
                        .httpOnly(true)
                        .sameSite(HttpCookie.SameSite.LAX)
                        .maxAge(WebSessions.LIFETIME.toSeconds())
                        .build(),
                expired(PRE_SESSION_COOKIE));
    }

    private Page signOut(Request request, Optional<WebSessions.Session> session) {
        if (session.isPresent()
                && WebSessions.same(form(request).get("csrf"), session.get().csrf())) {
            sessions.delete(cookie(request, SESSION_COOKIE));
        }
        return Page.redirect("/sign-in", expired(SESSION_COOKIE));
    }

    private Page toSignIn(Request request) {
        String target = request.getHttpURI().getPath();
        return Page.redirect("/sign-in?next=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
    }

    // ---- sign-up (the same rules as register_account / verify_email) ----

    private Page signUpForm(Request request, String error) {
        String csrf = WebSessions.random();
        String next = safeNext(query(request).getOrDefault("next", ""));
        String body = """
                <h1>Create your clariBI account</h1>
                <p class="lead">Start a 14-day trial. We will email you a 6-digit code.</p>
                %s
                <form method="post" action="/sign-up" class="stack">
                  <input type="hidden" name="csrf" value="%s">
                  <input type="hidden" name="next" value="%s">
                  <label for="email">Email</label>
                  <input id="email" name="email" type="email" autocomplete="email" required>
                  <label for="organization">Organization</label>
                  <input id="organization" name="organization" type="text" autocomplete="organization" required>
                  <label class="check"><input type="checkbox" name="accept_terms" value="yes" required> I accept the \
                <a href="/docs/terms">terms of service</a></label>
                  <button class="button primary wide" type="submit">Send code</button>
                </form>
                <p class="switch">Already have an account? <a href="/sign-in">Sign in</a></p>
                """.formatted(alert(error), csrf, Html.escape(next));
        return Page.html(error == null ? 200 : 400, Html.card("Create account", body), preSessionCookie(csrf));
    }

    private Page signUp(Request request) {
        Map<String, String> form = form(request);
        if (!WebSessions.same(form.get("csrf"), cookie(request, PRE_SESSION_COOKIE))) {
            return Page.html(403, errorPage("This form expired. Go back, reload the page and try again."));
        }
        SignupStarted started;
        try {
            started = signup.register(
                    form.getOrDefault("email", ""),
                    form.getOrDefault("organization", ""),
                    "yes".equals(form.get("accept_terms")),
                    Request.getRemoteAddr(request));
        } catch (ClariException e) {
            return signUpForm(request, e.getMessage());
        }
        return verifyForm(started.pendingId(), form.getOrDefault("next", ""), form.get("csrf"), null);
    }

    private Page verifyForm(String pendingId, String next, String csrf, String error) {
        String body =
                """
                <h1>Check your email</h1>
                <p class="lead">Enter the 6-digit code we sent you and choose a password (at least 12 characters).</p>
                %s
                <form method="post" action="/sign-up/verify" class="stack">
                  <input type="hidden" name="csrf" value="%s">
                  <input type="hidden" name="pending_id" value="%s">
                  <input type="hidden" name="next" value="%s">
                  <label for="code">Code</label>
                  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required>
                  <button class="button primary wide" type="submit">Create account</button>
                </form>
                """.formatted(alert(error), Html.escape(csrf), Html.escape(pendingId), Html.escape(safeNext(next)));
        return Page.html(error == null ? 200 : 400, Html.card("Verify email", body));
    }

    private Page verify(Request request) {
        Map<String, String> form = form(request);
        if (!WebSessions.same(form.get("csrf"), cookie(request, PRE_SESSION_COOKIE))) {
            return Page.html(403, errorPage("This form expired. Start again from the sign-up page."));
        }
        try {
            SignupCompleted completed = signup.verify(
                    form.getOrDefault("pending_id", ""),
                    form.getOrDefault("code", ""),
                    form.getOrDefault("password", ""));
            return startSession(completed.user().id(), safeNext(form.getOrDefault("next", "")));
        } catch (ClariException e) {
            return verifyForm(
                    form.getOrDefault("pending_id", ""),
                    form.getOrDefault("next", ""),
                    form.get("csrf"),
                    e.getMessage());
        }
    }

    // ---- OAuth authorization and consent ----

    private Page authorize(Request request, Optional<WebSessions.Session> session) {
        String rawQuery = Optional.ofNullable(request.getHttpURI().getQuery()).orElse("");
        return switch (oauth.checkAuthorization(rawQuery)) {
            case AuthorizationCheck.ShowError(String message) -> Page.html(400, errorPage(message));
            case AuthorizationCheck.RedirectError(URI location) -> Page.redirect(location.toString());
            case AuthorizationCheck.Valid(AuthorizationRequest authorization) -> {
                if (session.isEmpty()) {
                    yield Page.redirect("/sign-in?next="
                            + URLEncoder.encode(AUTHORIZE_PATH + "?" + rawQuery, StandardCharsets.UTF_8));
                }
                Optional<Workspace> workspace = workspaceOf(session.get().userId());
                if (workspace.isEmpty()) {
                    yield Page.html(
                            400, errorPage("Your account has no workspace yet, so there is nothing to connect."));
                }
                if (oauth.hasConsent(session.get().userId(), authorization)) {
                    yield Page.redirect(oauth.approve(
                                    authorization,
                                    session.get().userId(),
                                    workspace.get().id())
                            .toString());
                }
                yield Page.html(200, consentPage(authorization, session.get(), workspace.get()));
            }
        };
    }

    private String consentPage(AuthorizationRequest authorization, WebSessions.Session session, Workspace workspace) {
        OAuthClient client = authorization.client();
        String email = accounts.user(session.userId()).map(User::email).orElse("");
        String scopes = authorization.scopes().stream()
                .sorted()
                .map(scope ->
                        "<li><span class=\"tick\" aria-hidden=\"true\"></span><span>" + Html.escape(scope.plainWords())
                                + "</span><code>" + Html.escape(scope.wireName()) + "</code></li>")
                .collect(Collectors.joining("\n"));
        String body = """
                <div class="consent-head">
                  <div class="app-badge" aria-hidden="true">%s</div>
                  <h1><span class="client-name">%s</span> wants to access your clariBI workspace</h1>
                  <p class="lead">Signed in as <strong>%s</strong> · workspace <strong>%s</strong></p>
                </div>
                <p class="section-label">It will be able to:</p>
                <ul class="scopes">
                %s
                </ul>
                <div class="redirect-note">After you choose, you will be sent back to <strong>%s</strong>.%s</div>
                <form method="post" action="%s" class="consent-actions">
                  <input type="hidden" name="csrf" value="%s">
                  <input type="hidden" name="request" value="%s">
                  <button class="button secondary" type="submit" name="decision" value="deny">Deny</button>
                  <button class="button primary" type="submit" name="decision" value="allow">Allow</button>
                </form>
                <p class="fine">You can disconnect this app at any time. clariBI never shares your password with it.</p>
                """.formatted(
                        Html.escape(initial(client.name())),
                        Html.escape(client.name()),
                        Html.escape(email),
                        Html.escape(workspace.name()),
                        scopes,
                        Html.escape(OAuthClient.hostOf(authorization.redirectUri())),
                        client.metadataDocument()
                                ? " This app is identified by "
                                        + Html.escape(URI.create(client.id()).getHost()) + "."
                                : " clariBI has not verified this app; only allow apps you trust.",
                        AUTHORIZE_PATH,
                        Html.escape(session.csrf()),
                        Html.escape(authorization.query()));
        return Html.card("Allow access", body);
    }

    private Page consentDecision(Request request, Optional<WebSessions.Session> session) {
        Map<String, String> form = form(request);
        if (session.isEmpty()
                || !WebSessions.same(form.get("csrf"), session.get().csrf())) {
            return Page.html(
                    403, errorPage("This consent form is not valid any more. Start connecting the app again."));
        }
        return switch (oauth.checkAuthorization(form.getOrDefault("request", ""))) {
            case AuthorizationCheck.ShowError(String message) -> Page.html(400, errorPage(message));
            case AuthorizationCheck.RedirectError(URI location) -> Page.redirect(location.toString());
            case AuthorizationCheck.Valid(AuthorizationRequest authorization) -> {
                if (!"allow".equals(form.get("decision"))) {
                    yield Page.redirect(oauth.deny(authorization).toString());
                }
                Optional<Workspace> workspace = workspaceOf(session.get().userId());
                if (workspace.isEmpty()) {
                    yield Page.html(
                            400, errorPage("Your account has no workspace yet, so there is nothing to connect."));
                }
                yield Page.redirect(oauth.approve(
                                authorization,
                                session.get().userId(),
                                workspace.get().id())
                        .toString());
            }
        };
    }

    private Optional<Workspace> workspaceOf(String userId) {
        return accounts.workspacesOf(userId).stream().findFirst();
    }

    // ---- Settings › Developer ----

    private Page developer(WebSessions.Session session, Optional<MintedKey> minted) {
        String email = accounts.user(session.userId()).map(User::email).orElse("");
        Optional<Workspace> workspace = workspaceOf(session.userId());
        if (workspace.isEmpty()) {
            return Page.html(200, Html.app("Developer", email, session.csrf(), "mcp", "<h1>No workspace yet</h1>"));
        }
        List<ApiKey> keys = accounts.keys(workspace.get().id());
        String endpoint = publicUrl.get() + "/mcp/v1/";
        String body = """
                <div class="page-head">
                  <p class="crumbs">Settings › Developer › <span>MCP Server</span></p>
                  <h1>MCP Server</h1>
                  <p class="lead">Connect Claude Desktop, Cursor, ChatGPT or any MCP client to <strong>%s</strong>.</p>
                </div>
                <div class="panel endpoint"><span class="label">Server URL</span><code id="endpoint">%s</code>\
                <button class="button ghost small" type="button" data-copy="endpoint">Copy</button></div>
                <p class="hint">Clients that support OAuth connect with just this URL and ask you to sign in. Others use an MCP key:</p>
                %s
                %s
                %s
                <section class="panel" id="rest-keys">
                  <h2>REST API keys</h2>
                  <p class="hint">For scripts and integrations calling %s/api/v1/. REST keys start with <code>claribi_api_</code>.</p>
                  %s
                  %s
                </section>
                """.formatted(
                        Html.escape(workspace.get().name()),
                        Html.escape(endpoint),
                        minted.map(key -> mintedPanel(key, endpoint)).orElse(""),
                        "<section class=\"panel\"><h2>MCP keys</h2>"
                                + createForm(session, KeyKind.MCP)
                                + keyTable(session, keys, KeyKind.MCP)
                                + "</section>",
                        "",
                        Html.escape(publicUrl.get().toString()),
                        createForm(session, KeyKind.REST),
                        keyTable(session, keys, KeyKind.REST));
        return Page.html(200, Html.app("MCP Server", email, session.csrf(), "mcp", body));
    }

    private static String createForm(WebSessions.Session session, KeyKind kind) {
        Set<Scope> defaults = EnumSet.complementOf(EnumSet.of(Scope.BILLING_WRITE, Scope.ACCOUNT_WRITE));
        String boxes = java.util.Arrays.stream(Scope.values())
                .map(scope -> "<label class=\"scope-option\"><input type=\"checkbox\" name=\"scope\" value=\""
                        + scope.wireName() + "\"" + (defaults.contains(scope) ? " checked" : "") + "><span>"
                        + Html.escape(scope.plainWords()) + "</span><code>" + scope.wireName() + "</code></label>")
                .collect(Collectors.joining("\n"));
        return """
                <form method="post" action="/settings/developer/keys" class="create-key">
                  <input type="hidden" name="csrf" value="%s">
                  <input type="hidden" name="kind" value="%s">
                  <div class="row"><label for="name-%s">Key name</label>
                  <input id="name-%s" name="name" type="text" maxlength="100" required placeholder="%s"></div>
                  <details><summary>Scopes</summary><div class="scope-grid">%s</div></details>
                  <button class="button primary" type="submit">Create key</button>
                </form>
                """.formatted(
                        Html.escape(session.csrf()),
                        kind.wireName(),
                        kind.wireName(),
                        kind.wireName(),
                        kind == KeyKind.MCP ? "e.g. Claude Desktop on my laptop" : "e.g. Nightly export script",
                        boxes);
    }

    private static String keyTable(WebSessions.Session session, List<ApiKey> keys, KeyKind kind) {
        List<ApiKey> ofKind = keys.stream().filter(key -> key.kind() == kind).toList();
        if (ofKind.isEmpty()) {
            return "<p class=\"empty\">No " + (kind == KeyKind.MCP ? "MCP" : "REST") + " keys yet.</p>";
        }
        String rows = ofKind.stream()
                .map(
                        key -> """
                        <tr%s><td class="name">%s</td><td><code>%s</code></td><td class="scopes-cell">%s</td><td>%s</td>\
                        <td>%s</td><td>%s</td></tr>
                        """.formatted(
                                        key.revoked() ? " class=\"revoked\"" : "",
                                        Html.escape(key.name()),
                                        Html.escape(key.displayHint()),
                                        key.scopes().stream()
                                                .sorted()
                                                .map(scope -> "<span class=\"chip\">" + scope.wireName() + "</span>")
                                                .collect(Collectors.joining(" ")),
                                        DATE.format(key.createdAt()),
                                        key.lastUsedAt().map(DATE::format).orElse("Never"),
                                        key.revoked()
                                                ? "<span class=\"status\">Revoked</span>"
                                                : "<form method=\"post\" action=\"/settings/developer/keys/revoke\">"
                                                        + "<input type=\"hidden\" name=\"csrf\" value=\""
                                                        + Html.escape(session.csrf())
                                                        + "\"><input type=\"hidden\" name=\"key_id\" value=\""
                                                        + Html.escape(key.id())
                                                        + "\"><button class=\"button danger small\" type=\"submit\">Revoke</button></form>"))
                .collect(Collectors.joining());
        return """
                <table class="keys"><thead><tr><th>Name</th><th>Key</th><th>Scopes</th><th>Created</th><th>Last used</th>\
                <th></th></tr></thead><tbody>
                %s</tbody></table>
                """.formatted(rows);
    }

    private static String mintedPanel(MintedKey minted, String endpoint) {
        String secret = minted.secret();
        if (minted.key().kind() == KeyKind.REST) {
            return """
                    <section class="panel success" role="status">
                      <h2>Your new REST API key</h2>
                      <p>Copy it now: clariBI shows it only once and keeps just a fingerprint.</p>
                      <div class="secret"><code id="new-secret">%s</code><button class="button primary small" type="button" \
                    data-copy="new-secret">Copy</button></div>
                    </section>
                    """.formatted(Html.escape(secret));
        }
        String claude = """
                {
                  "mcpServers": {
                    "claribi": {
                      "command": "npx",
                      "args": ["-y", "mcp-remote", "%s", "--header", "Authorization:${CLARIBI_AUTH}"],
                      "env": { "CLARIBI_AUTH": "Bearer %s" }
                    }
                  }
                }""".formatted(endpoint, secret);
        String cursor = """
                {
                  "mcpServers": {
                    "claribi": {
                      "url": "%s",
                      "headers": { "Authorization": "Bearer %s" }
                    }
                  }
                }""".formatted(endpoint, secret);
        return """
                <section class="panel success" role="status">
                  <h2>Your new MCP key</h2>
                  <p>Copy it now: clariBI shows it only once and keeps just a fingerprint.</p>
                  <div class="secret"><code id="new-secret">%s</code><button class="button primary small" type="button" \
                data-copy="new-secret">Copy</button></div>
                  <div class="snippets">
                    <div><h3>Claude Desktop</h3><p class="hint">Add to <code>claude_desktop_config.json</code></p>\
                <pre id="snippet-claude">%s</pre><button class="button ghost small" type="button" data-copy="snippet-claude">Copy</button></div>
                    <div><h3>Cursor</h3><p class="hint">Add to <code>~/.cursor/mcp.json</code></p>\
                <pre id="snippet-cursor">%s</pre><button class="button ghost small" type="button" data-copy="snippet-cursor">Copy</button></div>
                  </div>
                </section>
                """.formatted(Html.escape(secret), Html.escape(claude), Html.escape(cursor));
    }

    private Page mintKey(Request request, WebSessions.Session session) {
        String body = readBody(request);
        Map<String, String> form = formWithoutScopes(body);
        if (!WebSessions.same(form.get("csrf"), session.csrf())) {
            return Page.html(403, errorPage("This form is not valid any more. Reload the page and try again."));
        }
        Optional<Workspace> workspace = workspaceOf(session.userId());
        KeyKind kind = KeyKind.fromWireName(form.getOrDefault("kind", "")).orElse(KeyKind.MCP);
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String pair : body.split("&")) {
            if (pair.startsWith("scope=")) {
                Scope.fromWireName(java.net.URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8))
                        .ifPresent(scopes::add);
            }
        }
        if (workspace.isEmpty() || scopes.isEmpty()) {
            return Page.html(400, errorPage("Choose at least one scope for the key."));
        }
        String name = form.getOrDefault("name", "").strip();
        MintedKey minted = accounts.mintKey(
                workspace.get().id(), session.userId(), kind, name.isEmpty() ? "Unnamed key" : name, scopes);
        return developer(session, Optional.of(minted));
    }

    private Page revokeKey(Request request, WebSessions.Session session) {
        Map<String, String> form = form(request);
        if (!WebSessions.same(form.get("csrf"), session.csrf())) {
            return Page.html(403, errorPage("This form is not valid any more. Reload the page and try again."));
        }
        workspaceOf(session.userId())
                .ifPresent(workspace -> accounts.revokeKey(workspace.id(), form.getOrDefault("key_id", "")));
        return Page.redirect("/settings/developer");
    }

    // ---- plumbing ----

    private static String errorPage(String message) {
        return Html.card("Something is not right", """
                <h1>We could not continue</h1>
                <div class="alert">%s</div>
                <p class="switch"><a href="/">Go to clariBI</a></p>
                """.formatted(Html.escape(message)));
    }

    private static String alert(String error) {
        return error == null ? "" : "<div class=\"alert\" role=\"alert\">" + Html.escape(error) + "</div>";
    }

    private static String initial(String name) {
        String stripped = name.strip();
        return stripped.isEmpty()
                ? "?"
                : stripped.substring(0, stripped.offsetByCodePoints(0, 1)).toUpperCase(Locale.ROOT);
    }

    /** Only same-site relative paths may follow sign-in: no scheme, no {@code //host}, no backslash. */
    static String safeNext(String next) {
        if (next == null
                || !next.startsWith("/")
                || next.startsWith("//")
                || next.contains("\\")
                || next.length() > 4000
                || next.chars().anyMatch(ch -> ch < 0x21)) {
            return "";
        }
        return next;
    }

    private boolean sameOrigin(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return true;
        }
        URI ours = publicUrl.get();
        String expected = ours.getScheme() + "://" + ours.getRawAuthority();
        return origin.equals(expected);
    }

    private Optional<WebSessions.Session> session(Request request) {
        String value = cookie(request, SESSION_COOKIE);
        return value == null ? Optional.empty() : sessions.find(value);
    }

    private static String cookie(Request request, String name) {
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    private static HttpCookie preSessionCookie(String value) {
        return HttpCookie.build(PRE_SESSION_COOKIE, value)
                .path("/")
                .secure(true)
                .httpOnly(true)
                .sameSite(HttpCookie.SameSite.LAX)
                .maxAge(Duration.ofHours(1).toSeconds())
                .build();
    }

    private static HttpCookie expired(String name) {
        return HttpCookie.build(name, "")
                .path("/")
                .secure(true)
                .httpOnly(true)
                .sameSite(HttpCookie.SameSite.LAX)
                .maxAge(0)
                .build();
    }

    private static Map<String, String> query(Request request) {
        try {
            return FormData.parse(
                    Optional.ofNullable(request.getHttpURI().getQuery()).orElse(""));
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static Map<String, String> form(Request request) {
        return formWithoutScopes(readBody(request));
    }

    private static Map<String, String> formWithoutScopes(String body) {
        String withoutScopes = java.util.Arrays.stream(body.split("&"))
                .filter(pair -> !pair.startsWith("scope="))
                .collect(Collectors.joining("&"));
        try {
            return FormData.parse(withoutScopes);
        } catch (RuntimeException e) {
            throw new ClariException(com.claribi.platform.ErrorCode.INVALID_ARGUMENT, "The form could not be read.");
        }
    }

    private static String readBody(Request request) {
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes(MAX_FORM_BYTES + 1);
            if (bytes.length > MAX_FORM_BYTES) {
                RefusedBodies.drop(in);
                throw new ClariException(com.claribi.platform.ErrorCode.INVALID_ARGUMENT, "The form is too large.");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ClariException(com.claribi.platform.ErrorCode.INVALID_ARGUMENT, "The form could not be read.");
        }
    }

    private static void write(Response response, Callback callback, Page page) {
        response.getHeaders().put("Content-Security-Policy", CSP);
        response.getHeaders().put("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on our own form posts.
        response.getHeaders().put("Referrer-Policy", "same-origin");
        for (HttpCookie cookie : page.cookies()) {
            Response.addCookie(response, cookie);
        }
        if (page.location().isPresent()) {
            response.getHeaders().put(HttpHeader.LOCATION, page.location().get());
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.setStatus(page.status());
            callback.succeeded();
            return;
        }
        HttpResponses.write(response, callback, page.status(), "text/html", page.html());
    }

    private static boolean asset(String path, Response response, Callback callback) {
        String name = path.substring("/assets/".length());
        String type = name.endsWith(".css") ? "text/css" : "text/javascript";
        try (InputStream in = WebApp.class.getResourceAsStream("/web/" + name)) {
            if (in == null) {
                HttpResponses.write(response, callback, 404, "text/plain", "Not found");
                return true;
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, type + "; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=3600");
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.write(true, StandardCharsets.UTF_8.encode(text), callback);
        } catch (IOException e) {
            HttpResponses.write(response, callback, 500, "text/plain", "Unavailable");
        }
        return true;
    }
}
