// OAuth from a real MCP client to a real browser (issue 4, "How we will know").
// The official TypeScript SDK client, with an OAuthClientProvider, discovers the authorization
// server, registers itself (DCR) and sends the user to our authorization page, where headless
// Chromium driven by playwright-core signs in and clicks Allow. The client then exchanges the code,
// calls get_usage, refreshes, and after revocation gets 401. Screenshots of sign-in, consent and
// Settings > Developer > MCP Server go to the screenshot directory.
//
// Driven by com.claribi.web.OAuthBrowserEndToEndTest; prints one JSON object per line.
// usage: node oauth-flow.mjs <base-url> <email> <password> <screenshot-dir>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { auth, UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { chromium } from "playwright-core";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const [, , base, email, password, screenshots] = process.argv;
const endpoint = new URL(`${base}/mcp/v1/`);
const emit = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));
fs.mkdirSync(screenshots, { recursive: true });
setTimeout(() => {
  emit("failed", { message: "the flow did not finish within 120 s" });
  process.exit(1);
}, 120_000).unref();

// The redirect target a desktop client would run: a loopback listener that catches the code.
let resolveCallback;
let callback = new Promise((resolve) => (resolveCallback = resolve));
const listener = http.createServer((request, response) => {
  const url = new URL(request.url, "http://127.0.0.1");
  response.writeHead(200, { "content-type": "text/plain" });
  response.end("You can close this window.");
  resolveCallback(url);
});
await new Promise((resolve) => listener.listen(0, "127.0.0.1", resolve));
const redirectUrl = `http://127.0.0.1:${listener.address().port}/callback`;

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "claribi-chromium-"));
// A fresh profile directory per run (Playwright passes it as --user-data-dir).
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 860 },
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const page = context.pages()[0] ?? (await context.newPage());

class MemoryProvider {
  constructor() { this.saved = {}; this.authorizations = 0; }
  get redirectUrl() { return redirectUrl; }
  get clientMetadata() {
    return {
      client_name: "Claude Desktop (e2e)",
      redirect_uris: [redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() { return this.saved.client; }
  saveClientInformation(info) { this.saved.client = info; emit("registered", { client_id: info.client_id }); }
  tokens() { return this.saved.tokens; }
  saveTokens(tokens) { this.saved.tokens = tokens; }
  saveCodeVerifier(verifier) { this.saved.verifier = verifier; }
  codeVerifier() { return this.saved.verifier; }
  async redirectToAuthorization(url) {
    this.authorizations++;
    emit("authorization_url", {
      host: url.host,
      path: url.pathname,
      code_challenge_method: url.searchParams.get("code_challenge_method"),
      resource: url.searchParams.get("resource"),
      scope: url.searchParams.get("scope"),
      has_state: url.searchParams.has("state"),
    });
    await page.goto(url.toString());
    await page.getByLabel("Email").waitFor();
    await page.screenshot({ path: path.join(screenshots, "sign-in.png") });
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Allow" }).waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === "__Host-claribi_session");
    emit("session_cookie", { present: !!session, secure: session?.secure, httpOnly: session?.httpOnly, sameSite: session?.sameSite });
    emit("consent_page", { text: (await page.locator(".card").innerText()).slice(0, 2000) });
    await page.screenshot({ path: path.join(screenshots, "consent.png") });
    await page.getByRole("button", { name: "Allow" }).click();
  }
}

async function callGetUsage(provider) {
  const client = new Client({ name: "claribi-oauth-e2e", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(endpoint, { authProvider: provider });
  await client.connect(transport);
  try {
    const result = await client.callTool({ name: "get_usage", arguments: {} });
    return { ok: true, isError: result.isError === true, structured: result.structuredContent ?? null, transport };
  } catch (error) {
    const body = await page.locator("body").innerText().catch(() => "");
    return { ok: false, unauthorized: error instanceof UnauthorizedError, message: String(error.message ?? error),
      page: page.url() + " :: " + body.slice(0, 500), transport };
  } finally {
    await client.close().catch(() => {});
  }
}

const provider = new MemoryProvider();
try {
  const first = await callGetUsage(provider);
  emit("first_call", { ok: first.ok, unauthorized: first.unauthorized ?? false, message: first.message ?? null, page: first.page ?? null });
  const returned = await Promise.race([
    callback,
    new Promise((_, reject) => setTimeout(() => reject(new Error("no authorization callback within 30 s")), 30_000)),
  ]);
  emit("callback", {
    has_code: returned.searchParams.has("code"),
    iss: returned.searchParams.get("iss"),
    error: returned.searchParams.get("error"),
  });
  await first.transport.finishAuth(returned.searchParams.get("code"));
  const firstTokens = provider.tokens();
  emit("tokens", {
    access_prefix: firstTokens.access_token.slice(0, 12),
    access_length: firstTokens.access_token.length,
    has_refresh: !!firstTokens.refresh_token,
    expires_in: firstTokens.expires_in,
    scope: firstTokens.scope,
  });

  const usage = await callGetUsage(provider);
  emit("get_usage", { ok: usage.ok, isError: usage.isError, structured: usage.structured });

  // Refresh: with a refresh token saved, auth() rotates it without the browser.
  const refreshed = await auth(provider, { serverUrl: endpoint });
  const newTokens = provider.tokens();
  emit("refreshed", {
    result: refreshed,
    access_changed: newTokens.access_token !== firstTokens.access_token,
    refresh_changed: newTokens.refresh_token !== firstTokens.refresh_token,
  });
  const afterRefresh = await callGetUsage(provider);
  emit("get_usage_after_refresh", { ok: afterRefresh.ok, isError: afterRefresh.isError });

  // Settings > Developer > MCP Server in the same signed-in browser.
  await page.goto(`${base}/settings/developer`);
  await page.getByLabel("Key name").first().fill("Claude Desktop on my laptop");
  await page.getByRole("button", { name: "Create key" }).first().click();
  await page.locator("#new-secret").waitFor();
  const secret = (await page.locator("#new-secret").innerText()).trim();
  emit("minted", { prefix: secret.slice(0, 12), snippets: await page.locator("pre").count() });
  await page.screenshot({ path: path.join(screenshots, "developer-settings.png"), fullPage: true });
  await page.goto(`${base}/settings/developer`);
  await page.getByRole("button", { name: "Revoke" }).first().click();
  await page.getByText("Revoked").first().waitFor();
  emit("key_revoked_in_browser", { shown_once: !(await page.content()).includes(secret) });

  // RFC 7009: revoking the refresh token revokes the grant, access tokens included.
  const metadata = await (await fetch(`${base}/.well-known/oauth-authorization-server/mcp/v1`)).json();
  const revocation = await fetch(metadata.revocation_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: newTokens.refresh_token, token_type_hint: "refresh_token", client_id: provider.clientInformation().client_id }),
  });
  emit("revoked", { status: revocation.status });
  // The revoked access token on a tool call: the MCP layer must answer 401 with the challenge.
  const headers = {
    authorization: `Bearer ${newTokens.access_token}`,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  const initialized = await fetch(endpoint, {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "e2e", version: "1" } } }),
  });
  const session = initialized.headers.get("mcp-session-id");
  await initialized.text();
  const afterRevoke = await fetch(endpoint, {
    method: "POST",
    headers: { ...headers, "mcp-protocol-version": "2025-06-18", ...(session ? { "mcp-session-id": session } : {}) },
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get_usage", arguments: {} } }),
  });
  emit("after_revoke", { status: afterRevoke.status, www_authenticate: afterRevoke.headers.get("www-authenticate") });
  emit("done");
} catch (error) {
  emit("failed", { message: String(error.stack ?? error) });
} finally {
  await context.close();
  listener.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
