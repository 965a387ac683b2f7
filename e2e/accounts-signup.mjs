// Signup from chat through the official MCP TypeScript SDK client (issue 3, "How we will know").
// Driven by com.claribi.mcp.SignupEndToEndTest: prints one JSON object per line on stdout, and
// reads the 6-digit code the test took from its GreenMail mailbox on stdin when it prints
// {"event":"need_code"}.
//
// usage: node accounts-signup.mjs <base-url> <email> <signup|lock> [rest-key]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import readline from "node:readline";

const [, , base, email, mode, restKey] = process.argv;
const endpoint = new URL(`${base}/mcp/v1/`);
const input = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const emit = (event, data = {}) => console.log(JSON.stringify({ event, ...data }));

async function connect(token) {
  const client = new Client({ name: "claribi-e2e", version: "1.0.0" });
  const options = token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : {};
  await client.connect(new StreamableHTTPClientTransport(endpoint, options));
  return client;
}

async function call(client, name, args = {}) {
  try {
    const result = await client.callTool({ name, arguments: args });
    return {
      isError: result.isError === true,
      text: result.content?.[0]?.text ?? "",
      structured: result.structuredContent ?? null,
    };
  } catch (error) {
    return { thrown: true, status: error.code ?? null, message: String(error.message ?? error) };
  }
}

async function nextCode() {
  emit("need_code");
  const line = await input.next();
  return line.value.trim();
}

const anonymous = await connect();
const tools = await anonymous.listTools();
emit("tools", { names: tools.tools.map((tool) => tool.name) });

const registered = await call(anonymous, "register_account", {
  email,
  organization_name: "Analytical Engines",
  accept_terms: true,
});
emit("registered", registered);
const pendingId = registered.structured?.pending_id;
const code = await nextCode();

if (mode === "lock") {
  const wrong = code === "000000" ? "000001" : "000000";
  for (let attempt = 1; attempt <= 5; attempt++) {
    emit("wrong_code", { attempt, ...(await call(anonymous, "verify_email", { pending_id: pendingId, code: wrong, password: "a long enough passphrase" })) });
  }
  emit("right_code_after_lock", await call(anonymous, "verify_email", { pending_id: pendingId, code, password: "a long enough passphrase" }));
} else {
  const verified = await call(anonymous, "verify_email", { pending_id: pendingId, code, password: "a long enough passphrase" });
  emit("verified", verified);
  emit("second_signup", await call(anonymous, "register_account", { email, organization_name: "Again", accept_terms: true }));
  emit("anonymous_usage", await call(anonymous, "get_usage"));
  await anonymous.close();

  const withKey = await connect(verified.structured.api_key);
  emit("usage_with_key", await call(withKey, "get_usage"));
  await withKey.close();

  const withToken = await connect(verified.structured.access_token);
  emit("billing_with_token", await call(withToken, "get_billing_status"));
  await withToken.close();

  if (restKey) {
    const withRestKey = await connect(restKey);
    emit("usage_with_rest_key", await call(withRestKey, "get_usage"));
    await withRestKey.close();
  }
}
emit("done");
process.exit(0);
