import { CountersignError } from './errors.js';
import type { BodyInput, EventedReadable, FetchBody } from './types.js';

const encoder = new TextEncoder();

function tooLarge(limit: number): CountersignError {
  return new CountersignError(
    'BODY_TOO_LARGE',
    `The body is larger than this endpoint accepts (${limit} bytes). Raise \`maxBodyBytes\` on the receiver or the endpoint if the platform really sends more.`,
  );
}

function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
}

function readFailed(cause: unknown): CountersignError {
  return new CountersignError('BODY_READ_FAILED', 'The request body could not be read (the client aborted or the stream failed).', { cause });
}

function isEvented(value: object): value is EventedReadable {
  return typeof (value as { on?: unknown }).on === 'function' && typeof (value as { removeListener?: unknown }).removeListener === 'function';
}

function isFetchBody(value: object): value is FetchBody {
  return typeof (value as { arrayBuffer?: unknown }).arrayBuffer === 'function' && 'body' in value;
}

function isAsyncIterable(value: object): value is AsyncIterable<Uint8Array | string> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

function isReadableStream(value: object): value is ReadableStream<Uint8Array> {
  return typeof (value as { getReader?: unknown }).getReader === 'function';
}

/** Something that can stop a read early: the delivery's time budget. */
export interface ReadDeadline {
  /** Set by the reader; called when the budget runs out. */
  onExpire: ((reason: unknown) => void) | undefined;
}

/**
 * Read a Node stream with `'data'`/`'end'` listeners, removed as soon as the body is complete, too large, failed or
 * out of time (a sender that dribbles its body holds no reader once the budget is spent).
 */
function readEvented(stream: EventedReadable, limit: number, deadline: ReadDeadline | undefined): Promise<Uint8Array> {
  if (stream.readableEnded === true) {
    return Promise.reject(new CountersignError('BODY_READ_FAILED', 'The request body was already read by something else before countersign got it.'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const stop = (): void => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.removeListener('close', onClose);
    };
    const onData = (raw: Uint8Array | string): void => {
      const chunk = toBytes(raw);
      total += chunk.byteLength;
      if (total > limit) {
        stop();
        reject(tooLarge(limit));
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => {
      stop();
      resolve(concat(chunks, total));
    };
    const onError = (error: unknown): void => {
      stop();
      reject(readFailed(error));
    };
    const onClose = (): void => onError(new Error('the stream closed before its end'));
    if (deadline !== undefined) {
      deadline.onExpire = (reason) => {
        stop();
        reject(reason);
      };
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

async function* iterateStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stops the transfer when we leave early (body too large) and frees the lock either way.
    reader.cancel().catch(() => undefined);
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * Read a body up to `limit` bytes. A declared `Content-Length` over the limit is refused before reading;
 * a body that grows past the limit is refused as soon as it does, without buffering the excess.
 */
export async function readBody(body: BodyInput, limit: number, contentLength?: string, deadline?: ReadDeadline): Promise<Uint8Array> {
  if (contentLength !== undefined) {
    const declared = Number(contentLength);
    if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  }
  if (body === null || body === undefined) return new Uint8Array(0);
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = toBytes(body);
    if (bytes.byteLength > limit) throw tooLarge(limit);
    return bytes;
  }
  if (isEvented(body)) return readEvented(body, limit, deadline);
  if (isFetchBody(body)) {
    // A declared length within the limit (checked above) bounds what arrayBuffer() buffers; otherwise stream.
    if (contentLength === undefined || !/^\d+$/.test(contentLength) || body.body === null) return readBody(body.body, limit);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await body.arrayBuffer());
    } catch (error) {
      if (error instanceof CountersignError) throw error; // an adapter's own verdict on the body (a cut one: 413)
      throw readFailed(error);
    }
    if (bytes.byteLength > limit) throw tooLarge(limit);
    return bytes;
  }
  const source = isReadableStream(body) ? iterateStream(body) : isAsyncIterable(body) ? body : undefined;
  if (source === undefined) {
    throw new CountersignError('BODY_READ_FAILED', 'The request body is of a kind countersign cannot read (expected bytes, a string or a stream).');
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const raw of source) {
      const chunk = toBytes(raw);
      total += chunk.byteLength;
      if (total > limit) throw tooLarge(limit);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof CountersignError) throw error;
    throw readFailed(error);
  }
  return concat(chunks, total);
}
