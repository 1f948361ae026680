/**
 * Run in a child process by no-buffer.test.ts. BEFORE the fetch adapter and the core are loaded, the global
 * `Buffer` disappears for every piece of JavaScript except Node's own internals (its built-in fetch, undici, reads
 * the global `Buffer` itself; on Workers or Deno the runtime's fetch is native code): our code and its
 * dependencies see `Buffer` as undefined, as on a runtime without it. Then every provider fixture is served
 * through the handler with Fetch-standard Requests. Prints one JSON document on stdout.
 */
const nodeBuffer = globalThis.Buffer;
const touchedBy: string[] = [];
Object.defineProperty(globalThis, 'Buffer', {
  configurable: true,
  get() {
    const caller = new Error().stack?.split('\n')[2]?.trim() ?? '';
    if (caller.includes('(node:internal/') || caller.startsWith('at node:internal/')) return nodeBuffer;
    touchedBy.push(caller);
    return undefined;
  },
});

const { createFetchHandler } = await import('../src/index.js');
const { createReceiver, memoryQueue, silentLogger } = await import('@countersign/core');
const { loadFixtures } = await import('../../../test/conformance/fixtures.js');

const fixtures = loadFixtures();
const queue = memoryQueue();
const ignisign = { url: process.env.IGNISIGN_API_URL ?? '', apiKey: process.env.IGNISIGN_API_KEY ?? '' };
const receiver = createReceiver({ logger: silentLogger, endpoints: fixtures.endpoints(ignisign), queue });
const dispatched: Array<{ endpoint: string; name: string; id: string }> = [];
receiver.onAny((event) => {
  dispatched.push({ endpoint: event.endpoint, name: event.name, id: event.key });
});
const handler = createFetchHandler(receiver, { prefix: '/webhooks' });

const answers: Array<{ endpoint: string; status: number; body: string }> = [];
for (const f of fixtures.cases) {
  const query = f.request.query === undefined ? '' : `?${f.request.query}`; // PandaDoc signs in the query string
  const request = new Request(`https://receiver.example/webhooks/${f.endpoint}${query}`, { method: f.request.method, headers: f.request.headers, body: f.request.body });
  const response = await handler(request);
  answers.push({ endpoint: f.endpoint, status: response.status, body: await response.text() });
}
await queue.idle();
await receiver.close();
process.stdout.write(JSON.stringify({ bufferType: typeof Buffer, touchedBy, answers, dispatched }));
