// The official TypeScript SDK's own MCP server, as the baseline for bench/mcp and as a known-good
// server to validate the e2e client scripts against.
//
// Usage: node ts-server.mjs <port> [pricing.json]
//
// Serves, on 127.0.0.1 only and on the same paths as clariBI:
//   POST/GET/DELETE /mcp/v1/            Streamable HTTP, stateful (one McpServer + transport per
//                                        session, the SDK's documented pattern)
//   GET /mcp/v1/sse, POST /mcp/v1/messages   legacy HTTP+SSE (SSEServerTransport)
// with one tool, check_pricing, whose structuredContent is clariBI's pricing config (read from
// server/src/main/resources/pricing.json) so the payloads of both servers are comparable.
// Prints "listening <port>" on stdout once ready.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const modules = new URL('../../e2e/node_modules/', import.meta.url);
const { McpServer } = await import(new URL('@modelcontextprotocol/sdk/dist/esm/server/mcp.js', modules));
const { StreamableHTTPServerTransport } = await import(
  new URL('@modelcontextprotocol/sdk/dist/esm/server/streamableHttp.js', modules)
);
const { SSEServerTransport } = await import(new URL('@modelcontextprotocol/sdk/dist/esm/server/sse.js', modules));
const { z } = await import(new URL('zod/index.js', modules));

const port = Number.parseInt(process.argv[2] ?? '0', 10);
const pricingPath =
  process.argv[3] ?? fileURLToPath(new URL('../../server/src/main/resources/pricing.json', import.meta.url));
const pricing = JSON.parse(readFileSync(pricingPath, 'utf8'));
const pricingText = pricing.tiers
  .map((tier) => `${tier.name}: $${(tier.price_monthly_cents / 100).toFixed(2)}/month`)
  .join('\n');

function newServer() {
  const server = new McpServer({ name: 'ts-sdk-reference', version: '1.32.2' });
  server.registerTool(
    'check_pricing',
    {
      title: 'Check pricing',
      description: 'Tiers, prices, features and limits.',
      inputSchema: {},
      outputSchema: {
        currency: z.string(),
        trial_days: z.number(),
        signup_tier: z.string(),
        after_trial_tier: z.string(),
        tiers: z.array(z.object({ id: z.string() }).passthrough()),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async () => ({ content: [{ type: 'text', text: pricingText }], structuredContent: pricing }),
  );
  return server;
}

/** Streamable HTTP sessions by MCP-Session-Id. */
const sessions = new Map();
/** Legacy SSE sessions by sessionId query parameter. */
const sseSessions = new Map();

async function readJson(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length === 0 ? undefined : JSON.parse(text);
}

function isInitialize(body) {
  return (Array.isArray(body) ? body : [body]).some((message) => message?.method === 'initialize');
}

async function handleStreamable(request, response) {
  const sessionId = request.headers['mcp-session-id'];
  if (request.method === 'POST') {
    const body = await readJson(request);
    let transport = sessionId ? sessions.get(sessionId) : undefined;
    if (!transport && !sessionId && isInitialize(body)) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => sessions.set(id, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await newServer().connect(transport);
    }
    if (!transport) {
      response.writeHead(sessionId ? 404 : 400, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'No valid session' }, id: null }),
      );
      return;
    }
    await transport.handleRequest(request, response, body);
    return;
  }
  const transport = sessionId ? sessions.get(sessionId) : undefined;
  if (!transport) {
    response.writeHead(sessionId ? 404 : 400).end();
    return;
  }
  await transport.handleRequest(request, response);
}

const httpServer = http.createServer(async (request, response) => {
  try {
    const url = new URL(request.url, 'http://127.0.0.1');
    if (url.pathname === '/mcp/v1/' || url.pathname === '/mcp/v1') {
      await handleStreamable(request, response);
    } else if (url.pathname === '/mcp/v1/sse' && request.method === 'GET') {
      const transport = new SSEServerTransport('/mcp/v1/messages', response);
      sseSessions.set(transport.sessionId, transport);
      response.on('close', () => sseSessions.delete(transport.sessionId));
      await newServer().connect(transport);
    } else if (url.pathname === '/mcp/v1/messages' && request.method === 'POST') {
      const transport = sseSessions.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) {
        response.writeHead(404).end();
        return;
      }
      await transport.handlePostMessage(request, response);
    } else {
      response.writeHead(404).end();
    }
  } catch (error) {
    if (!response.headersSent) response.writeHead(500);
    response.end();
    process.stderr.write(`ts-server: ${error?.stack ?? error}\n`);
  }
});
httpServer.keepAliveTimeout = 60_000;
httpServer.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${httpServer.address().port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    httpServer.close();
    process.exit(0);
  });
}
