/**
 * Hardening (issue 9): a sender that dribbles its body must not hold a connection once countersign has answered.
 * Over a raw TCP socket, against every Node-based adapter (the Fetch adapter cannot reach the socket: its runtime's
 * server decides; see packages/fetch/README.md).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters, type RunningAdapter } from '../conformance/adapters.js';
import { conformanceReceiver, signedHeaders } from '../conformance/support.js';

/** Send the head and the first bytes of a body announced much larger, then nothing more; resolve with what came back once the server closed. */
function dribble(url: string, path: string, head: Record<string, string>, announced: number): Promise<string> {
  const { hostname, port, pathname } = new URL(url + path);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    const lines = [`POST ${pathname} HTTP/1.1`, `host: ${hostname}:${port}`, `content-length: ${announced}`, ...Object.entries(head).map(([k, v]) => `${k}: ${v}`)];
    socket.write(`${lines.join('\r\n')}\r\n\r\n{"event":"PING",`);
  });
}

describe.each(adapters.filter((a) => a.name !== 'fetch'))('$name adapter: a dribbling sender', (adapter) => {
  let running: RunningAdapter;
  let harness: ReturnType<typeof conformanceReceiver>;
  beforeAll(async () => {
    harness = conformanceReceiver();
    running = await adapter.start(harness.receiver);
  });
  afterAll(async () => {
    await running.close();
    await harness.close();
  });

  it('is answered 503 when the time budget runs out, and the connection is closed instead of read on', async () => {
    const answer = await dribble(running.url, '/test-fast', signedHeaders('{}'), 1000);
    expect(answer).toMatch(/^HTTP\/1\.1 503 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"TIMEOUT"');
  });

  it('is answered 413 for a declared length over the limit, and the connection is closed', async () => {
    const answer = await dribble(running.url, '/test', signedHeaders('{}'), 50 * 1024 * 1024);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.toLowerCase()).toContain('connection: close');
  });
});
