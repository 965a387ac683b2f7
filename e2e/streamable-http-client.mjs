// Drives an MCP server over Streamable HTTP with the official TypeScript SDK client
// (@modelcontextprotocol/sdk 1.32.2): initialize, tools/list, tools/call check_pricing, DELETE the
// session (terminateSession), then probe the terminated session id with a raw POST, which the
// transport spec says MUST get 404.
//
// Usage: node streamable-http-client.mjs http://127.0.0.1:PORT/mcp/v1/
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { callSummary, recordingFetch, run, serverUrlArgument } from './lib/common.mjs';

const url = serverUrlArgument('streamable-http-client.mjs <mcp endpoint url>');

await run(async () => {
  const exchanges = [];
  const transport = new StreamableHTTPClientTransport(url, { fetch: recordingFetch(exchanges) });
  const client = new Client({ name: 'claribi-e2e-streamable', version: '1.0.0' });
  await client.connect(transport);
  const sessionId = transport.sessionId ?? null;
  const protocolVersion = transport.protocolVersion ?? null;
  const serverInfo = client.getServerVersion() ?? null;
  const capabilities = client.getServerCapabilities() ?? null;

  const listed = await client.listTools();
  const tools = listed.tools.map((tool) => tool.name);
  const checkPricing = listed.tools.find((tool) => tool.name === 'check_pricing') ?? null;
  // The SDK client validates structuredContent against the outputSchema it saw in tools/list.
  const call = callSummary(await client.callTool({ name: 'check_pricing', arguments: {} }));

  const exchangesBeforeDelete = exchanges.length;
  await transport.terminateSession();
  const deleteExchange = exchanges.slice(exchangesBeforeDelete).find((exchange) => exchange.method === 'DELETE');
  await client.close();

  // A request on the terminated session: the server must answer 404 Not Found.
  const afterDelete = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': sessionId ?? '',
      'mcp-protocol-version': protocolVersion ?? '',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/list', params: {} }),
  });
  await afterDelete.arrayBuffer();

  return {
    transport: 'streamable-http',
    sessionId,
    protocolVersion,
    serverInfo,
    capabilities,
    tools,
    checkPricingTool: checkPricing,
    call,
    deleteStatus: deleteExchange?.status ?? null,
    sessionIdAfterTerminate: transport.sessionId ?? null,
    statusAfterDelete: afterDelete.status,
    exchanges,
  };
});
