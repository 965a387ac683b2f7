// Drives an MCP server over the legacy HTTP+SSE transport (protocol 2024-11-05) with the official
// TypeScript SDK's SSEClientTransport: GET the SSE stream, follow its `endpoint` event, initialize,
// tools/list, tools/call check_pricing.
//
// Usage: node sse-client.mjs http://127.0.0.1:PORT/mcp/v1/sse
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { callSummary, recordingFetch, run, serverUrlArgument } from './lib/common.mjs';

const url = serverUrlArgument('sse-client.mjs <sse endpoint url>');

await run(async () => {
  const exchanges = [];
  const transport = new SSEClientTransport(url, { fetch: recordingFetch(exchanges) });
  let protocolVersion = null;
  const setProtocolVersion = transport.setProtocolVersion.bind(transport);
  transport.setProtocolVersion = (version) => {
    protocolVersion = version;
    setProtocolVersion(version);
  };
  const client = new Client({ name: 'claribi-e2e-sse', version: '1.0.0' });
  await client.connect(transport);
  const serverInfo = client.getServerVersion() ?? null;

  const listed = await client.listTools();
  const tools = listed.tools.map((tool) => tool.name);
  const checkPricing = listed.tools.find((tool) => tool.name === 'check_pricing') ?? null;
  const call = callSummary(await client.callTool({ name: 'check_pricing', arguments: {} }));
  const messagesUrl = exchanges.find((exchange) => exchange.method === 'POST')?.url ?? null;
  await client.close();

  return {
    transport: 'sse',
    protocolVersion,
    serverInfo,
    tools,
    checkPricingTool: checkPricing,
    call,
    messagesUrl,
    exchanges,
  };
});
