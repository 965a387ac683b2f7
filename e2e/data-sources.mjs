// Upload → get_data_source through the official MCP TypeScript SDK client (issue 5, "How we will
// know"). Driven by com.claribi.e2e.DataSourcesEndToEndTest.
//
// usage: CLARIBI_KEY=claribi_mcp_… node data-sources.mjs <mcp-url>
// Prints one JSON summary: the tool names, the upload result (with the progress notifications the
// SDK received), get_data_source, list_data_sources, resources/list and resources/read.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { run, serverUrlArgument } from './lib/common.mjs';

const endpoint = serverUrlArgument('CLARIBI_KEY=… node data-sources.mjs <mcp-url>');
const csv = [
  'order_id;region;revenue;ordered_on',
  '1;EMEA;1.234,50;01.07.2024',
  '2;AMER;99,00;02.07.2024',
  '3;APAC;15,25;03.07.2024',
  '4;EMEA;300,00;01.08.2024',
  '',
].join('\n');

await run(async () => {
  const client = new Client({ name: 'claribi-e2e-data-sources', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(endpoint, {
    requestInit: { headers: { Authorization: `Bearer ${process.env.CLARIBI_KEY}` } },
  });
  await client.connect(transport);
  const tools = await client.listTools();
  const progress = [];
  const uploaded = await client.callTool(
    {
      name: 'upload_data_source',
      arguments: {
        name: 'Orders (German export)',
        format: 'csv',
        data_base64: Buffer.from(csv, 'utf8').toString('base64'),
        wait_seconds: 30,
      },
    },
    undefined,
    { onprogress: (update) => progress.push(update), timeout: 60_000 },
  );
  const id = uploaded.structuredContent?.data_source_id;
  const got = await client.callTool({
    name: 'get_data_source',
    arguments: { data_source_id: id, preview_rows: 3 },
  });
  const listed = await client.callTool({ name: 'list_data_sources', arguments: { limit: 10 } });
  const resources = await client.listResources();
  const read = await client.readResource({ uri: `claribi://data-sources/${id}` });
  const missing = await client.callTool({
    name: 'get_data_source',
    arguments: { data_source_id: 'ds_00000000000000000000000000' },
  });
  await transport.terminateSession();
  await client.close();
  return {
    tools: tools.tools.map((tool) => tool.name),
    uploaded: { isError: uploaded.isError === true, structured: uploaded.structuredContent, text: uploaded.content?.[0]?.text },
    progress,
    got: { isError: got.isError === true, structured: got.structuredContent, text: got.content?.[0]?.text },
    listed: listed.structuredContent,
    resources: resources.resources.map((resource) => resource.uri),
    read: JSON.parse(read.contents[0].text),
    missing: { isError: missing.isError === true, text: missing.content?.[0]?.text },
  };
}, { timeoutMs: 90_000 });
