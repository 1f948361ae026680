/** A delivery as a platform would send it: what the builders of this package return. */
export interface SimulatedDelivery {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  /** The query string the platform adds to the webhook URL (PandaDoc's `signature=<hex>`), without its `?`. */
  query?: string | undefined;
}

export interface DeliveryResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Send one delivery over real HTTP, like the platform would (Node 18+ / any runtime with fetch).
 * `url` is the full endpoint URL, e.g. `http://127.0.0.1:3000/webhooks/adobe-sign`.
 */
export async function sendDelivery(url: string | URL, delivery: SimulatedDelivery, init: { signal?: AbortSignal } = {}): Promise<DeliveryResult> {
  const hasBody = delivery.body !== undefined && delivery.method !== 'GET' && delivery.method !== 'HEAD';
  const target = new URL(url);
  if (delivery.query !== undefined && delivery.query !== '') {
    target.search = target.search === '' ? delivery.query : `${target.search.slice(1)}&${delivery.query}`;
  }
  const response = await fetch(target, {
    method: delivery.method,
    headers: delivery.headers,
    body: hasBody ? (delivery.body as BodyInit) : undefined,
    signal: init.signal,
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, body: await response.text() };
}
