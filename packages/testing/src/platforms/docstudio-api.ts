import { docstudioDelivery } from '../docstudio.js';
import { bearer, fire, isHttpUrl, pushBounded, startStandIn, type FiredDelivery, type StandInAnswer, type StandInCall, type StandInRequest } from './stand-in.js';

/** An envelope the stand-in knows, for `check`, `send` and `emit`. */
export interface FakeDocstudioEnvelope {
  uuid: string;
  /** WAITING, COMPLETED, EXPIRED, CANCELLED, ... */
  status: string;
  label?: string[];
  subject?: string;
  template?: string;
  sender?: string;
}

/** A callback as the stand-in stores it. */
export interface FakeDocstudioCallback {
  id: string;
  filter: Record<string, unknown>;
  url: string;
  retries: number;
  timeout: number;
  successCode: number;
  authType: 'NONE' | 'BASIC';
  login: string | undefined;
}

/** One delivery the stand-in fired (by `send` or `emit`). */
export interface FakeDocstudioDelivery extends FiredDelivery {
  callbackId: string;
  envelopeUuid: string;
  /** 1 for the first attempt. */
  attempt: number;
}

export interface FakeDocstudioApiOptions {
  /** The platform token it expects as `Authorization: Bearer`. Default `test-docstudio-token`. */
  token?: string;
  /** The mailbox UUID it expects in the `mailbox` header. Default a fixed test UUID. */
  mailbox?: string;
  envelopes?: FakeDocstudioEnvelope[];
}

export interface FakeDocstudioApi {
  /** Base URL for `docstudioCallbacks({ baseUrl })` (and DOCSTUDIO_API_URL). */
  url: string;
  token: string;
  mailbox: string;
  /** The callbacks of the mailbox (passwords left out). */
  callbacks(): FakeDocstudioCallback[];
  addEnvelope(envelope: FakeDocstudioEnvelope): void;
  /**
   * An envelope reached `status` (default: its own): deliver it to every callback whose filter matches, the way
   * DocStudio does (Basic credentials when set, the callback's timeout, up to `retries` more attempts until the
   * answer is exactly `successCode`; the stand-in does not wait between attempts).
   */
  emit(envelopeUuid: string, status?: string): Promise<FakeDocstudioDelivery[]>;
  /** Every delivery fired, oldest first (the last 1000). */
  deliveries: FakeDocstudioDelivery[];
  calls: StandInCall[];
  throttle(count: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

const TEST_MAILBOX = '00000000-0000-4000-8000-00000000a11b';
const FILTER_LISTS = ['label', 'status', 'template', 'sender', 'scope'] as const;
const MAX_CALLBACKS = 100;

const error = (status: number, message: string): StandInAnswer => ({ status, body: { status, message } });

/** The filter fields an envelope fails (the stand-in evaluates status, label, subject, template and sender). */
function failedFields(filter: Record<string, unknown>, envelope: FakeDocstudioEnvelope): Record<string, unknown> {
  const failed: Record<string, unknown> = {};
  const list = (key: string): string[] | undefined => (Array.isArray(filter[key]) && (filter[key] as unknown[]).length > 0 ? (filter[key] as unknown[]).map(String) : undefined);
  const statuses = list('status');
  if (statuses !== undefined && !statuses.some((s) => s.toUpperCase() === envelope.status.toUpperCase())) failed.status = envelope.status;
  const labels = list('label');
  if (labels !== undefined && !labels.some((l) => envelope.label?.includes(l))) failed.labels = envelope.label ?? [];
  if (typeof filter.subject === 'string' && filter.subject !== '' && !(envelope.subject ?? '').includes(filter.subject)) failed.subject = envelope.subject ?? '';
  const templates = list('template');
  if (templates !== undefined && !templates.includes(envelope.template ?? '')) failed.template = envelope.template ?? null;
  const senders = list('sender');
  if (senders !== undefined && !senders.includes(envelope.sender ?? '')) failed.sender = envelope.sender ?? null;
  return failed;
}

function validate(input: unknown): string | Omit<FakeDocstudioCallback, 'id'> & { password: string | undefined } {
  if (typeof input !== 'object' || input === null) return 'The body must be a JSON object';
  const b = input as Record<string, unknown>;
  if (typeof b.filter !== 'object' || b.filter === null || Array.isArray(b.filter)) return 'filter is required';
  const filter = b.filter as Record<string, unknown>;
  for (const key of FILTER_LISTS) if (filter[key] !== undefined && !Array.isArray(filter[key])) return `filter.${key} must be an array`;
  if (Array.isArray(filter.status)) {
    for (const s of filter.status) if (!['WAITING', 'COMPLETED', 'EXPIRED', 'CANCELLED'].includes(String(s).toUpperCase())) return `filter.status: unknown status ${String(s)}`;
  }
  if (!isHttpUrl(b.url)) return 'url is required and must be an http(s) URL';
  const retries = b.retries ?? 0;
  if (!Number.isInteger(retries) || (retries as number) < 0 || (retries as number) > 10) return 'retries must be 0..10';
  const timeout = b.timeout ?? 5000;
  if (!Number.isInteger(timeout) || (timeout as number) < 100 || (timeout as number) > 60000) return 'timeout must be 100..60000';
  const successCode = b.successCode ?? 200;
  if (!Number.isInteger(successCode) || (successCode as number) < 100 || (successCode as number) > 599) return 'successCode must be an HTTP status';
  const hasLogin = typeof b.login === 'string' && b.login !== '';
  const hasPassword = typeof b.password === 'string' && b.password !== '';
  if (hasLogin !== hasPassword) return 'login and password go together';
  return {
    filter,
    url: b.url,
    retries: retries as number,
    timeout: timeout as number,
    successCode: successCode as number,
    authType: hasLogin ? 'BASIC' : 'NONE',
    login: hasLogin ? (b.login as string) : undefined,
    password: hasPassword ? (b.password as string) : undefined,
  };
}

/**
 * A local stand-in for DocStudio's envelope callback API (a real HTTP server on 127.0.0.1): bearer token and
 * mailbox header checked, callbacks kept per mailbox, filters evaluated, and deliveries fired at the callback URL
 * the way DocStudio sends them (`send`, `emit`).
 */
export async function fakeDocstudioApi(options: FakeDocstudioApiOptions = {}): Promise<FakeDocstudioApi> {
  const token = options.token ?? 'test-docstudio-token';
  const mailbox = options.mailbox ?? TEST_MAILBOX;
  const callbacks = new Map<string, FakeDocstudioCallback & { password: string | undefined }>();
  const envelopes = new Map((options.envelopes ?? []).map((e) => [e.uuid, e]));
  const deliveries: FakeDocstudioDelivery[] = [];

  const publicView = (cb: FakeDocstudioCallback): Record<string, unknown> => ({
    id: cb.id,
    filter: cb.filter,
    url: cb.url,
    retries: cb.retries,
    timeout: cb.timeout,
    successCode: cb.successCode,
    authType: cb.authType,
  });

  async function deliver(cb: FakeDocstudioCallback & { password: string | undefined }, envelope: FakeDocstudioEnvelope, attempt: number): Promise<FakeDocstudioDelivery> {
    const delivery = docstudioDelivery({
      ...(cb.login !== undefined && cb.password !== undefined ? { login: cb.login, password: cb.password } : {}),
      uuid: envelope.uuid,
      status: envelope.status,
      mailbox,
      label: envelope.label ?? [],
      subject: envelope.subject ?? '',
      ...(envelope.template === undefined ? {} : { template: envelope.template }),
      ...(envelope.sender === undefined ? {} : { sender: envelope.sender }),
    });
    const answer = await fire(cb.url, delivery, cb.timeout);
    const fired: FakeDocstudioDelivery = { ...answer, callbackId: cb.id, envelopeUuid: envelope.uuid, attempt };
    pushBounded(deliveries, fired, 1000);
    return fired;
  }

  const withCallback = (id: string, request: StandInRequest, then: (cb: FakeDocstudioCallback & { password: string | undefined }, envelope: FakeDocstudioEnvelope) => Promise<StandInAnswer> | StandInAnswer): Promise<StandInAnswer> | StandInAnswer => {
    const cb = callbacks.get(id);
    if (cb === undefined) return error(404, `Callback ${id} not found`);
    const uuid = request.url.searchParams.get('envelopeUuid');
    const mailboxUuid = request.url.searchParams.get('mailboxUuid');
    if (mailboxUuid !== null && mailboxUuid !== mailbox) return error(403, 'No access to this mailbox');
    const envelope = uuid === null ? undefined : envelopes.get(uuid);
    if (envelope === undefined) return error(404, `Envelope ${uuid ?? '(none)'} not found`);
    return then(cb, envelope);
  };

  const server = await startStandIn(async (request) => {
    if (bearer(request) !== token) return error(401, 'Unauthorized');
    if (request.headers.mailbox !== mailbox) return error(403, 'No access to this mailbox');
    const path = request.url.pathname;
    if (request.method === 'POST' && path === '/api/v1/envelope/callback/add') {
      const input = validate(request.json);
      if (typeof input === 'string') return error(400, input);
      if (callbacks.size >= MAX_CALLBACKS) return error(400, `A mailbox holds at most ${MAX_CALLBACKS} callbacks`);
      const cb = { id: crypto.randomUUID(), ...input };
      callbacks.set(cb.id, cb);
      return { status: 201, body: publicView(cb) };
    }
    if (request.method === 'GET' && path === '/api/v1/envelope/callback/list') return { status: 200, body: [...callbacks.values()].map(publicView) };
    if (request.method === 'GET' && path === '/api/v1/envelope/callback/callbackRequestPayload') {
      return { status: 200, body: JSON.parse(docstudioDelivery({ status: 'COMPLETED', mailbox }).body) as unknown };
    }
    const match = /^\/api\/v1\/envelope\/callback\/([^/]+)\/(remove|check|send)$/.exec(path);
    if (match === null) return error(404, 'Not found');
    const [, id, verb] = match as unknown as [string, string, string];
    if (verb === 'remove' && request.method === 'DELETE') {
      if (!callbacks.delete(id)) return error(404, `Callback ${id} not found`);
      return { status: 200, body: { id } };
    }
    if (verb === 'check' && request.method === 'GET') {
      return withCallback(id, request, (cb, envelope) => {
        const failed = failedFields(cb.filter, envelope);
        return { status: 200, body: { passed: Object.keys(failed).length === 0, failed } };
      });
    }
    if (verb === 'send' && request.method === 'GET') {
      return withCallback(id, request, async (cb, envelope) => {
        const fired = await deliver(cb, envelope, 1);
        return { status: 200, body: { code: fired.status ?? null, body: fired.status === undefined ? (fired.error ?? '') : fired.body } };
      });
    }
    return error(405, 'Method not allowed');
  });

  return {
    url: server.url,
    token,
    mailbox,
    callbacks: () => [...callbacks.values()].map(({ password: _password, ...cb }) => cb),
    addEnvelope(envelope) {
      envelopes.set(envelope.uuid, envelope);
    },
    async emit(uuid, status) {
      const known = envelopes.get(uuid);
      if (known === undefined) throw new Error(`fakeDocstudioApi: unknown envelope ${uuid}; addEnvelope() it first`);
      const envelope = { ...known, status: status ?? known.status };
      envelopes.set(uuid, envelope);
      const fired: FakeDocstudioDelivery[] = [];
      for (const cb of callbacks.values()) {
        if (Object.keys(failedFields(cb.filter, envelope)).length > 0) continue;
        for (let attempt = 1; attempt <= 1 + cb.retries; attempt++) {
          const delivery = await deliver(cb, envelope, attempt);
          fired.push(delivery);
          if (delivery.status === cb.successCode) break;
        }
      }
      return fired;
    },
    deliveries,
    calls: server.calls,
    throttle: server.throttle,
    close: server.close,
  };
}
