import { adobeSignAdapter } from './adapters/adobe-sign.js';
import { docstudioAdapter } from './adapters/docstudio.js';
import { ignisignAdapter } from './adapters/ignisign.js';
import { APPLY, listed } from './adapters/shared.js';
import { signitAdapter } from './adapters/signit.js';
import { SubscriptionError, configError, type SubscriptionPlatform } from './errors.js';
import { PLATFORM_NAMES } from './http.js';
import type {
  Adapter,
  ApplyResult,
  AppliedAction,
  Change,
  CheckReport,
  Desired,
  EndpointCheck,
  EndpointListing,
  EndpointPlan,
  Finding,
  Plan,
  PlannedAction,
  PlatformClient,
  RemoteSubscription,
  TestDelivery,
} from './model.js';
import type { EndpointSubscription } from './spec.js';

export interface SubscriptionSetup {
  /** The public base URL the platforms reach the receiver at, e.g. `https://hooks.example.com`. */
  publicUrl: string;
  /** Where the receiver is mounted below it. Default `/webhooks`: an endpoint's URL is `<publicUrl>/webhooks/<endpoint>`. */
  mountPath?: string;
  /** Endpoint name (as in `createReceiver({ endpoints })`) -> what it needs from its platform (`subscriptionFor`). */
  endpoints: Readonly<Record<string, EndpointSubscription>>;
  /** Endpoint name -> the client of its platform's API. An endpoint without one is skipped. */
  clients?: Readonly<Partial<Record<string, PlatformClient>>>;
  /** The fetch the test deliveries the SDK sends itself use (Acrobat Sign's intent GET). Default: the global one. */
  fetch?: typeof globalThis.fetch;
}

export interface SelectOptions {
  /** Only these endpoints. Default: every one. */
  endpoints?: readonly string[];
}

export interface CheckOptions extends SelectOptions {
  /**
   * The event names handlers are registered for, as given to `receiver.on()` (`docstudio:COMPLETED`,
   * `adobe-sign:AGREEMENT`, `ignisign:*`): subscribed events none of them covers are reported.
   */
  handled?: readonly string[];
  /**
   * Fire a delivery at the live receiver where possible and report its answer: DocStudio's `send` (needs
   * `docstudioEnvelope`), Ignisign's `resend` of the newest delivery, Acrobat Sign's intent GET (sent by the SDK).
   * Default false: a test delivery reaches the receiver's handlers like a real one.
   */
  testDelivery?: boolean;
  /** The envelope DocStudio's test delivery is about. */
  docstudioEnvelope?: string;
}

export interface SubscriptionManager {
  /** The URL an endpoint's subscription points at. */
  urlOf(endpoint: string): string;
  /** What each platform has, this endpoint's subscriptions marked. */
  list(options?: SelectOptions): Promise<EndpointListing[]>;
  /** What `apply` would create, change and remove so the platforms match the endpoints. Changes nothing. */
  plan(options?: SelectOptions): Promise<Plan>;
  /** What removing the endpoints' subscriptions would do (SignIt: switch off). Changes nothing. */
  planRemoval(options?: SelectOptions): Promise<Plan>;
  /** Carry a plan out, in order; an endpoint stops at its first failure, the others go on. */
  apply(plan: Plan): Promise<ApplyResult>;
  /** Compare the platforms with the endpoints; every mismatch with its fix. Changes nothing (test deliveries aside). */
  check(options?: CheckOptions): Promise<CheckReport>;
}

type AnyAdapter = Adapter<EndpointSubscription, PlatformClient>;
const ADAPTERS: Readonly<Record<SubscriptionPlatform, AnyAdapter>> = {
  docstudio: docstudioAdapter as unknown as AnyAdapter,
  signit: signitAdapter as unknown as AnyAdapter,
  'adobe-sign': adobeSignAdapter as unknown as AnyAdapter,
  ignisign: ignisignAdapter as unknown as AnyAdapter,
};

const errorOf = (error: unknown): SubscriptionError =>
  error instanceof SubscriptionError ? error : new SubscriptionError('API_UNAVAILABLE', error instanceof Error ? error.message : String(error), { cause: error });

function pathOf(url: string): string {
  try {
    return new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

interface Analysis {
  /** The subscription taken as this endpoint's. */
  primary: RemoteSubscription | undefined;
  /** Every subscription taken as this endpoint's (primary, duplicates, stale). */
  ours: RemoteSubscription[];
  findings: Finding[];
}

/** Endpoint -> the subscriptions this endpoint's: the exact URL, its name, or its route on another host. */
function isOurs(remote: RemoteSubscription, desired: Desired, route: string): boolean {
  return remote.url === desired.url || (remote.name !== undefined && remote.name === desired.name) || (remote.url !== '' && pathOf(remote.url).endsWith(route));
}

function analyse(adapter: AnyAdapter, desired: Desired, remotes: readonly RemoteSubscription[], route: string): Analysis {
  const platform = desired.subscription.platform;
  const candidates = remotes.filter((r) => isOurs(r, desired, route));
  const exact = candidates.filter((r) => r.url === desired.url);
  const live = candidates.filter((r) => r.active || !adapter.inactiveIsRemoved);
  const primary = exact.find((r) => r.active) ?? exact[0] ?? live.find((r) => r.active) ?? live[0];
  const findings: Finding[] = [];
  const base = { endpoint: desired.endpoint, platform };
  if (primary === undefined) {
    findings.push({
      ...base,
      kind: 'missing',
      severity: 'error',
      message: `${PLATFORM_NAMES[platform]} has no subscription for ${desired.url}: nothing is delivered to this endpoint.`,
      fix: `Create it: ${APPLY} does it.`,
      repair: { action: 'create' },
    });
  } else {
    if (primary.url !== desired.url) {
      findings.push({
        ...base,
        kind: 'url-mismatch',
        severity: 'error',
        subscriptionId: primary.id,
        message: `The subscription delivers to ${primary.url || '(no URL)'}, not to ${desired.url}.`,
        fix: `${adapter.urlChange === 'update' ? 'Change its URL' : `Re-create it with the new URL (${PLATFORM_NAMES[platform]} cannot change a URL in place)`}: ${APPLY} does it; or correct COUNTERSIGN_PUBLIC_URL if the URL above is the right one.`,
        repair: { action: adapter.urlChange, field: 'url', from: primary.url, to: desired.url },
      });
    }
    if (!primary.active) findings.push(adapter.disabled(desired, primary));
    findings.push(...adapter.compare(desired, primary));
  }
  const ours = primary === undefined ? [] : [primary];
  for (const other of candidates) {
    if (other === primary || (adapter.inactiveIsRemoved && !other.active)) continue;
    ours.push(other);
    const duplicate = other.url === desired.url;
    findings.push({
      ...base,
      kind: duplicate ? 'duplicate' : 'stale',
      severity: 'warning',
      subscriptionId: other.id,
      message: duplicate
        ? `A second subscription (${other.id}) delivers to the same URL: every event arrives twice (the receiver drops the copies).`
        : `The subscription ${other.id} still delivers this endpoint's events to ${other.url || '(no URL)'}.`,
      fix: `Remove it: ${APPLY} does it.`,
      repair: { action: 'remove' },
    });
  }
  return { primary, ours, findings };
}

function planFrom(analysis: Analysis, adapter: AnyAdapter, desired: Desired): { actions: PlannedAction[]; manual: Finding[] } {
  const actions: PlannedAction[] = [];
  // What the configuration alone gets wrong (e.g. a client id the receiver refuses) is shown before any change.
  const manual: Finding[] = adapter.configFindings(desired);
  const changes: Change[] = [];
  let replace = false;
  let reactivate = false;
  for (const finding of analysis.findings) {
    const repair = finding.repair;
    if (repair === undefined) {
      manual.push(finding);
    } else if (repair.action === 'create') {
      actions.push({ kind: 'create', description: adapter.describe(desired) });
    } else if (repair.action === 'update' || repair.action === 'replace') {
      replace ||= repair.action === 'replace';
      if (!changes.some((c) => c.field === repair.field)) changes.push({ field: repair.field, from: repair.from, to: repair.to });
    } else if (repair.action === 'reactivate') {
      reactivate = true;
    }
  }
  const primary = analysis.primary;
  if (primary !== undefined && changes.length > 0) actions.push({ kind: replace ? 'replace' : 'update', subscription: primary, changes });
  if (primary !== undefined && reactivate && !replace) actions.push({ kind: 'reactivate', subscription: primary });
  for (const finding of analysis.findings) {
    if (finding.repair?.action !== 'remove') continue;
    const subscription = analysis.ours.find((r) => r.id === finding.subscriptionId);
    if (subscription !== undefined) actions.push({ kind: 'remove', subscription, reason: finding.kind === 'duplicate' ? 'duplicate' : 'delivers to an old URL' });
  }
  return { actions, manual };
}

/**
 * The subscriptions a receiver's endpoints need, derived from their configuration, compared with and applied to
 * the platforms.
 *
 * ```ts
 * const subs = subscriptions({
 *   publicUrl: 'https://hooks.example.com',
 *   endpoints: { docstudio: subscriptionFor('docstudio', { login, password, successCode: 202 }) },
 *   clients: { docstudio: docstudioCallbacks({ baseUrl, token, mailbox }) },
 * });
 * const plan = await subs.plan();   // what would be created, changed, removed
 * await subs.apply(plan);
 * const report = await subs.check({ handled: ['docstudio:COMPLETED'] });
 * ```
 */
export function subscriptions(setup: SubscriptionSetup): SubscriptionManager {
  let base: URL;
  try {
    base = new URL(String(setup.publicUrl));
  } catch {
    throw configError(`\`publicUrl\` must be the absolute http(s) URL the platforms reach the receiver at (got "${String(setup.publicUrl).slice(0, 100)}").`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw configError('`publicUrl` must be http(s).');
  if (base.search !== '' || base.hash !== '') throw configError('`publicUrl` cannot have a query or a fragment.');
  const mountPath = `/${(setup.mountPath ?? '/webhooks').replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}${mountPath}`;
  const endpoints = Object.entries(setup.endpoints ?? {});
  if (endpoints.length === 0) throw configError('`endpoints` is empty: give each endpoint with subscriptionFor().');
  for (const [name, subscription] of endpoints) {
    if (name === '' || /[/?#\s]/.test(name)) throw configError(`endpoint name "${name}" cannot be empty or contain "/", "?", "#" or spaces.`);
    if (subscription === null || typeof subscription !== 'object' || !(subscription.platform in ADAPTERS)) {
      throw configError(`endpoint "${name}": build its subscription with subscriptionFor(platform, options).`);
    }
    const client = setup.clients?.[name];
    if (client !== undefined && client.platform !== subscription.platform) {
      throw configError(`endpoint "${name}" is a ${subscription.platform} endpoint but its client is for ${client.platform}.`);
    }
  }
  const fetchImpl = setup.fetch ?? globalThis.fetch;
  const urlOf = (endpoint: string): string => `${root}/${encodeURIComponent(endpoint)}`;
  const route = (endpoint: string): string => `${mountPath}/${encodeURIComponent(endpoint)}`;
  const desiredOf = (endpoint: string, subscription: EndpointSubscription): Desired => ({ endpoint, url: urlOf(endpoint), name: `countersign:${endpoint}`, subscription });

  function select(options: SelectOptions = {}): Array<{ desired: Desired; adapter: AnyAdapter; client: PlatformClient | undefined }> {
    const known = new Map(endpoints);
    const names = options.endpoints ?? [...known.keys()];
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length > 0) throw configError(`unknown endpoint(s) ${unknown.join(', ')}; configured: ${[...known.keys()].join(', ')}.`);
    return names.map((name) => {
      const subscription = known.get(name) as EndpointSubscription;
      return { desired: desiredOf(name, subscription), adapter: ADAPTERS[subscription.platform], client: setup.clients?.[name] };
    });
  }

  const skippedReason = (platform: SubscriptionPlatform): string => `no API access to ${PLATFORM_NAMES[platform]} was given for it`;

  async function planWith(options: SelectOptions | undefined, decide: (analysis: Analysis, adapter: AnyAdapter, desired: Desired) => { actions: PlannedAction[]; manual: Finding[] }): Promise<Plan> {
    const out: EndpointPlan[] = [];
    for (const { desired, adapter, client } of select(options)) {
      const entry: EndpointPlan = { endpoint: desired.endpoint, platform: desired.subscription.platform, url: desired.url, status: 'planned', actions: [], manual: [] };
      out.push(entry);
      if (client === undefined) {
        entry.status = 'skipped';
        entry.reason = skippedReason(desired.subscription.platform);
        continue;
      }
      try {
        const analysis = analyse(adapter, desired, await adapter.observe(client), route(desired.endpoint));
        Object.assign(entry, decide(analysis, adapter, desired));
      } catch (error) {
        entry.status = 'failed';
        entry.error = errorOf(error);
        entry.reason = entry.error.message;
      }
    }
    return { endpoints: out, changes: out.reduce((n, e) => n + e.actions.length, 0) };
  }

  return {
    urlOf,

    async list(options) {
      const out: EndpointListing[] = [];
      for (const { desired, adapter, client } of select(options)) {
        const entry: EndpointListing = { endpoint: desired.endpoint, platform: desired.subscription.platform, url: desired.url, status: 'listed', subscriptions: [] };
        out.push(entry);
        if (client === undefined) {
          entry.status = 'skipped';
          entry.reason = skippedReason(desired.subscription.platform);
          continue;
        }
        try {
          entry.subscriptions = (await adapter.observe(client)).map((r) => ({ ...r, ours: isOurs(r, desired, route(desired.endpoint)) }));
        } catch (error) {
          entry.status = 'failed';
          entry.error = errorOf(error);
          entry.reason = entry.error.message;
        }
      }
      return out;
    },

    plan: (options) => planWith(options, planFrom),

    planRemoval: (options) =>
      planWith(options, (analysis, adapter) => ({
        actions: analysis.ours
          .filter((r) => r.active || !adapter.inactiveIsRemoved)
          .map((subscription): PlannedAction => ({ kind: 'remove', subscription, reason: 'removal asked' })),
        manual: [],
      })),

    async apply(plan) {
      const byName = new Map(select({ endpoints: plan.endpoints.map((e) => e.endpoint) }).map((s) => [s.desired.endpoint, s]));
      const results: AppliedAction[] = [];
      for (const entry of plan.endpoints) {
        const target = byName.get(entry.endpoint);
        if (target === undefined || target.client === undefined || entry.status !== 'planned') continue;
        const { desired, adapter, client } = target;
        for (const action of entry.actions) {
          const result: AppliedAction = { endpoint: entry.endpoint, platform: entry.platform, action, ok: true };
          results.push(result);
          try {
            switch (action.kind) {
              case 'create':
                await adapter.create(client, desired);
                break;
              case 'update':
                await adapter.update(client, action.subscription, desired);
                break;
              case 'replace':
                // Create first: the endpoint keeps receiving while the old subscription goes.
                await adapter.create(client, desired);
                await adapter.remove(client, action.subscription, desired);
                break;
              case 'reactivate':
                if (adapter.reactivate === undefined) throw configError(`${PLATFORM_NAMES[entry.platform]} cannot re-activate through its API.`, entry.platform);
                await adapter.reactivate(client, action.subscription);
                break;
              case 'remove':
                await adapter.remove(client, action.subscription, desired);
                break;
            }
          } catch (error) {
            result.ok = false;
            result.error = errorOf(error);
            break;
          }
        }
      }
      return { actions: results, failed: results.filter((r) => !r.ok).length };
    },

    async check(options = {}) {
      const handled = options.handled;
      const out: EndpointCheck[] = [];
      for (const { desired, adapter, client } of select(options)) {
        const platform = desired.subscription.platform;
        const entry: EndpointCheck = { endpoint: desired.endpoint, platform, url: desired.url, status: 'checked', findings: adapter.configFindings(desired), tests: [] };
        out.push(entry);
        if (client === undefined) {
          entry.status = 'skipped';
          entry.reason = skippedReason(platform);
          continue;
        }
        let analysis: Analysis;
        try {
          analysis = analyse(adapter, desired, await adapter.observe(client), route(desired.endpoint));
        } catch (error) {
          entry.status = 'failed';
          entry.error = errorOf(error);
          entry.reason = entry.error.message;
          continue;
        }
        entry.findings.push(...analysis.findings);
        const primary = analysis.primary;
        if (handled !== undefined && primary !== undefined) {
          const prefix = `${desired.endpoint}:`;
          const names = new Set(handled.filter((h) => h.startsWith(prefix)).map((h) => h.slice(prefix.length)));
          const unhandled = names.has('*') ? [] : adapter.delivered(primary.events, desired).filter((e) => !adapter.handles(names, e));
          if (unhandled.length > 0) {
            entry.findings.push({
              endpoint: desired.endpoint,
              platform,
              kind: 'events-unhandled',
              severity: 'warning',
              subscriptionId: primary.id,
              message: `Subscribed but handled by nothing: ${listed(unhandled)}. They are received, acknowledged and dropped.`,
              fix: `Handle them (receiver.on('${desired.endpoint}:${unhandled[0]}', ...)) or leave them out of the endpoint's events.`,
            });
          }
        }
        if (options.testDelivery === true && primary !== undefined && adapter.probe !== undefined) {
          let test: TestDelivery;
          try {
            test = { endpoint: desired.endpoint, platform, ...(await adapter.probe(client, desired, primary, { docstudioEnvelope: options.docstudioEnvelope, fetch: fetchImpl })) };
          } catch (error) {
            test = { endpoint: desired.endpoint, platform, kind: platform === 'docstudio' ? 'docstudio-send' : platform === 'ignisign' ? 'ignisign-resend' : 'adobe-sign-intent', outcome: 'failed', detail: errorOf(error).message };
          }
          entry.tests.push(test);
          if (test.outcome === 'failed') {
            entry.findings.push({
              endpoint: desired.endpoint,
              platform,
              kind: 'test-delivery-failed',
              severity: 'error',
              subscriptionId: primary.id,
              message: `The test delivery failed: ${test.detail}`,
              fix: 'Make the receiver answer it: check that it runs at the URL above with the same configuration (credentials, success code, client ids), and read its logs.',
            });
          }
        }
      }
      return { endpoints: out, findings: out.flatMap((e) => e.findings), tests: out.flatMap((e) => e.tests) };
    },
  };
}
