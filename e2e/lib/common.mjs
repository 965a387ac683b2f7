// Helpers shared by the e2e client scripts. Each script prints exactly one JSON object on stdout
// (its summary) and exits 0, or prints a one-line JSON error on stderr and exits 1. The Java tests
// (server/src/test/java/com/claribi/e2e) parse that object and assert on it.

/** A fetch that records every HTTP exchange as {method, url, status, contentType}. */
export function recordingFetch(exchanges) {
  return async (input, init) => {
    const response = await fetch(input, init);
    exchanges.push({
      method: (init?.method ?? 'GET').toUpperCase(),
      url: String(input instanceof Request ? input.url : input),
      status: response.status,
      contentType: response.headers.get('content-type'),
    });
    return response;
  };
}

/** The server URL from argv[2], or exit 2 with a usage line. */
export function serverUrlArgument(usage) {
  const text = process.argv[2];
  if (!text) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  return new URL(text);
}

/** Runs main with a hard deadline; prints its summary or the failure, then exits. */
export async function run(main, { timeoutMs = 30_000 } = {}) {
  const timer = setTimeout(() => {
    process.stderr.write(JSON.stringify({ error: `timed out after ${timeoutMs} ms` }) + '\n');
    process.exit(1);
  }, timeoutMs);
  try {
    const summary = await main();
    process.stdout.write(JSON.stringify(summary) + '\n');
    clearTimeout(timer);
    process.exit(0);
  } catch (error) {
    process.stderr.write(
      JSON.stringify({ error: String(error?.message ?? error), code: error?.code, stack: error?.stack }) + '\n',
    );
    process.exit(1);
  }
}

/** The parts of a tools/call result the tests assert on. */
export function callSummary(result) {
  return {
    isError: result.isError ?? false,
    contentTypes: (result.content ?? []).map((block) => block.type),
    text: (result.content ?? []).filter((block) => block.type === 'text').map((block) => block.text).join('\n'),
    structuredContent: result.structuredContent ?? null,
  };
}
