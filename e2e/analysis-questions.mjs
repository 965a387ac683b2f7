// Asks clariBI three questions through the official TypeScript SDK client (@modelcontextprotocol/sdk
// 1.32.2) over Streamable HTTP, with a progress handler, then polls get_analysis for the first answer.
// The SDK client itself validates every structuredContent against the outputSchema from tools/list.
//
// Usage: CLARIBI_KEY=claribi_mcp_… node analysis-questions.mjs http://127.0.0.1:PORT/mcp/v1/ "question" …
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { callSummary, run, serverUrlArgument } from './lib/common.mjs';

const url = serverUrlArgument('analysis-questions.mjs <mcp endpoint url> <question>…');
const questions = process.argv.slice(3);

await run(
  async () => {
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { Authorization: `Bearer ${process.env.CLARIBI_KEY}` } },
    });
    const client = new Client({ name: 'claribi-e2e-analysis', version: '1.0.0' });
    await client.connect(transport);
    const listed = await client.listTools();
    const runAnalysis = listed.tools.find((tool) => tool.name === 'run_analysis') ?? null;

    const answers = [];
    for (const question of questions) {
      const progress = [];
      const result = await client.callTool({ name: 'run_analysis', arguments: { question } }, undefined, {
        onprogress: (notification) => progress.push(notification),
        timeout: 60_000,
      });
      const image = (result.content ?? []).find((block) => block.type === 'image') ?? null;
      const png = image ? Buffer.from(image.data, 'base64') : null;
      answers.push({
        question,
        ...callSummary(result),
        imageMimeType: image?.mimeType ?? null,
        imageBytes: png ? png.length : 0,
        imageHeaderHex: png ? png.subarray(0, 8).toString('hex') : null,
        progress,
      });
    }
    const firstId = answers[0]?.structuredContent?.analysis_id;
    const polled = firstId
      ? callSummary(await client.callTool({ name: 'get_analysis', arguments: { analysis_id: firstId, wait_seconds: 5 } }))
      : null;
    await client.close();
    return { runAnalysisTool: runAnalysis, answers, polled };
  },
  { timeoutMs: 120_000 },
);
