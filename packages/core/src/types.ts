import type { HeaderReader, HeadersInput } from './headers.js';
import type { WaitUntil } from './queue/types.js';

/**
 * A Node.js readable stream (an `IncomingMessage`), described structurally so the core needs no Node types. The
 * core reads it with `'data'`/`'end'` listeners, the cheapest way Node offers, and removes them when it stops.
 */
export interface EventedReadable {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  /** `true` once something else has read the whole stream (the core then refuses with `BODY_READ_FAILED`). */
  readonly readableEnded?: boolean;
}

/** A Fetch `Request` (or `Response`): read with `arrayBuffer()` when its declared length fits, else streamed. */
export interface FetchBody {
  arrayBuffer(): Promise<ArrayBuffer>;
  readonly body: ReadableStream<Uint8Array> | null;
}

/**
 * A request body as an adapter can hand it over, without buffering it first. The core stops reading at the size
 * limit and leaves early without buffering the excess: an evented stream loses its listeners (the adapter then
 * calls `resume()` to drain the rest, so a keep-alive connection stays usable), an async iterable's `return()` is
 * called and a `ReadableStream` is cancelled.
 */
export type BodyInput =
  | Uint8Array
  | string
  | EventedReadable
  | FetchBody
  | AsyncIterable<Uint8Array | string>
  | ReadableStream<Uint8Array>
  | null
  | undefined;

/** What the TLS layer knows about the client certificate (mutual TLS), when the adapter can see it. */
export interface PeerCertificate {
  /** SHA-256 fingerprint, colon-separated hex as Node prints it (`AB:CD:...`). */
  fingerprint256?: string;
  /** Subject fields, e.g. `{ CN: 'webhooks.adobesign.com', O: 'Adobe Inc.' }`. */
  subject?: Readonly<Record<string, string | readonly string[]>>;
  /** Whether the TLS layer validated the certificate against the server's trusted CAs. */
  authorized?: boolean;
}

/** One HTTP delivery, framework-free: what every adapter turns its request into. */
export interface WebhookRequest {
  method: string;
  /**
   * The endpoint name (`adobe`), or the path below the adapter's prefix (`/adobe`, a query string allowed). It is
   * taken literally: one segment, never URL-decoded; anything else (`/x/adobe`, `//adobe`, `adob%65`) is a 404.
   */
  endpoint: string;
  headers: HeadersInput;
  /** The raw body: bytes, a string, a Node stream, a Fetch `Request` or a Web `ReadableStream`. */
  body?: BodyInput;
  /** The TLS client certificate, when the connection had one. */
  peerCertificate?: PeerCertificate;
  /** The connection's peer address (what `authFailureLimit` counts by default), when the adapter knows it. */
  remoteAddress?: string | undefined;
  /**
   * The request's query string (`a=1&b=2`, with or without its `?`), for providers that sign with it (PandaDoc's
   * `?signature=`). Routing never uses it. Adapters pass it; a query left in `endpoint` is read too.
   */
  query?: string | undefined;
  /**
   * The runtime's keep-alive for work after the answer (Workers' `waitUntil`, Next.js's `after`), when the adapter has
   * one: the in-memory queue registers the delivery's handlers with it.
   */
  waitUntil?: WaitUntil | undefined;
}

/** The answer to send back; adapters write it verbatim. */
export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What a provider sees of one delivery. Body helpers are lazy and cached. */
export interface DeliveryContext {
  readonly endpoint: string;
  readonly method: string;
  readonly headers: HeaderReader;
  /** The exact raw bytes as received. */
  readonly body: Uint8Array;
  readonly peerCertificate: PeerCertificate | undefined;
  /** Aborted when the endpoint's time budget runs out: pass it to remote calls. */
  readonly signal: AbortSignal;
  /** The body decoded as UTF-8. */
  text(): string;
  /** The body parsed as JSON; throws a coded 400 error when it is not a JSON object. */
  json(): Record<string, unknown>;
  /** The JSON body when it may be an object or an array (batches); throws a coded 400 error otherwise. */
  jsonValue(): Record<string, unknown> | unknown[];
  /**
   * The body as form fields, for `multipart/form-data` and `application/x-www-form-urlencoded` (the Web-standard
   * parsers: `Response.formData()`), within the body limit. Throws a coded 400 error when it is neither.
   */
  form(): Promise<FormData>;
  /** The query string's parameters (empty when there is none). */
  readonly query: URLSearchParams;
  /** When the delivery started to arrive. */
  readonly receivedAt: Date;
}

/** What the pipeline knows about one delivery, as handlers see it (`event.delivery`). */
export interface DeliveryInfo {
  /** When the delivery was received. */
  receivedAt: Date;
  /** The platform's own attempt number, where it sends one (1 = first attempt). */
  attempt?: number | undefined;
  /** The account, tenant or app the delivery authenticated as, where the provider establishes one. */
  account?: string | undefined;
  /** The headers the provider declared worth keeping (`deliveryHeaders`), lower-case names, values clipped. */
  headers: Readonly<Record<string, string>>;
}

/** A provider's own answer to a verified delivery that carries no event (a verification ping): nothing is queued. */
export interface ProviderAnswer {
  respond: WebhookResponse;
}

/** What `parse` returns: one event, the events of a batch (each claimed and queued on its own), or an answer. */
export type ParseResult = ParsedEvent | readonly ParsedEvent[] | ProviderAnswer;

/** One event as a provider reads it from a delivery. */
export interface ParsedEvent {
  /** The event name as used in `on()`, e.g. `AGREEMENT_CREATED` or `SIGNATURE_REQUEST.LAUNCHED`. */
  name: string;
  /** The topic the name belongs to, for topic handlers (`AGREEMENT`, `SIGNATURE_REQUEST`). */
  topic?: string | undefined;
  /** Whether the provider knows this event (typed payload) or let it pass through leniently. */
  known: boolean;
  /** Identifies the event across retries and copies: the dedupe key. */
  key: string;
  /** The validated payload (JSON-serialisable, or revivable from JSON by the provider). */
  payload: unknown;
  /** The platform's own attempt number for this delivery, where it sends one (`X-Yousign-Retry`, `retryCount`...). */
  attempt?: number | undefined;
}
