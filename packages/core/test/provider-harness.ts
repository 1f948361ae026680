/** What the provider tests share: a receiver on one endpoint that records what its handlers saw, and error bodies. */
import { createReceiver, memoryQueue, silentLogger, type AnyEvent, type Provider, type WebhookRequest, type WebhookResponse } from '@countersign/core';

/** The `error` of a coded JSON refusal. */
export function errorOf(response: WebhookResponse): { code: string; message: string; details?: unknown } {
  return (JSON.parse(response.body) as { error: { code: string; message: string; details?: unknown } }).error;
}

/**
 * A receiver with one endpoint `name` on a memory queue that retries at once, silent, whose `onAny` handler keeps
 * `record(event)` of every event: `send` a request to the endpoint, `settled()` once the queue is idle for what
 * the handlers saw.
 */
export function recordingReceiver<const N extends string, P extends Provider, S>(
  name: N,
  provider: P,
  record: (event: AnyEvent<Record<N, P>>) => S,
) {
  const queue = memoryQueue({ backoff: { delayMs: 1, jitter: 0 } });
  const receiver = createReceiver({ logger: silentLogger, endpoints: { [name]: provider } as Record<N, P>, queue });
  const seen: S[] = [];
  receiver.onAny((event) => {
    seen.push(record(event));
  });
  const send = (request: Omit<WebhookRequest, 'endpoint'>): Promise<WebhookResponse> => receiver.handle({ endpoint: name, ...request });
  const settled = async (): Promise<S[]> => {
    await queue.idle();
    return seen;
  };
  return { receiver, queue, send, settled };
}

/** The UTF-8 bytes of `body` with one bit flipped in the first byte of `marker` (which must occur in it). */
export function flippedAt(body: string, marker: string): Uint8Array {
  const at = body.indexOf(marker);
  if (at === -1) throw new Error(`flippedAt: "${marker}" is not in the body`);
  const bytes = new TextEncoder().encode(body);
  bytes[at] = (bytes[at] as number) ^ 0x01;
  return bytes;
}
