import type { SubscriptionError, SubscriptionPlatform } from './errors.js';
import type { AdobeSignWebhooksClient } from './platforms/adobe-sign.js';
import type { DocStudioCallbacksClient } from './platforms/docstudio.js';
import type { IgnisignWebhooksClient } from './platforms/ignisign.js';
import type { SignitWebhooksClient } from './platforms/signit.js';
import type { EndpointSubscription } from './spec.js';

/** A platform client, as the subscription manager takes it. */
export type PlatformClient = DocStudioCallbacksClient | SignitWebhooksClient | AdobeSignWebhooksClient | IgnisignWebhooksClient;
export type ClientFor<P extends SubscriptionPlatform> = Extract<PlatformClient, { platform: P }>;

/** A subscription as the platform has it, in one shape for every platform. */
export interface RemoteSubscription {
  id: string;
  url: string;
  /** Its name or description, where the platform has one. */
  name: string | undefined;
  /** The events (statuses, topics) it subscribes to; `'all'`: no filter; `'unknown'`: the platform does not say. */
  events: readonly string[] | 'all' | 'unknown';
  /** `false` when switched off or disabled by the platform. */
  active: boolean;
  /** Other settings worth showing and comparing (success code, timeout, state, ...). */
  settings: Readonly<Record<string, string | number | boolean | undefined>>;
}

/** What an endpoint expects from its platform: its subscription, with the URL and the name it goes by. */
export interface Desired<S extends EndpointSubscription = EndpointSubscription> {
  endpoint: string;
  url: string;
  /** `countersign:<endpoint>`: the name (Acrobat Sign, SignIt) or description (Ignisign) that marks it as this endpoint's. */
  name: string;
  subscription: S;
}

export type FindingKind =
  | 'missing'
  | 'url-mismatch'
  | 'events-missing'
  | 'events-extra'
  | 'events-unhandled'
  | 'filter-restricted'
  | 'success-code-mismatch'
  | 'timeout-too-short'
  | 'retries-mismatch'
  | 'credentials-unset'
  | 'disabled'
  | 'duplicate'
  | 'stale'
  | 'client-id-not-allowed'
  | 'test-delivery-failed';

/** How `apply` mends a finding; findings without one are for the platform's console (or the receiver's code). */
export type Repair =
  | { action: 'create' }
  | { action: 'update' | 'replace'; field: string; from: string; to: string }
  | { action: 'reactivate' }
  | { action: 'remove' };

/** One mismatch between the platform and the receiver, with what to do about it. */
export interface Finding {
  endpoint: string;
  platform: SubscriptionPlatform;
  kind: FindingKind;
  /** `error`: deliveries fail or are lost; `warning`: they work, but not as configured. */
  severity: 'error' | 'warning';
  /** The platform's id of the subscription concerned. */
  subscriptionId?: string | undefined;
  message: string;
  fix: string;
  repair?: Repair | undefined;
}

export interface Change {
  field: string;
  from: string;
  to: string;
}

export type PlannedAction =
  | { kind: 'create'; description: string[] }
  | { kind: 'update'; subscription: RemoteSubscription; changes: Change[] }
  | { kind: 'replace'; subscription: RemoteSubscription; changes: Change[] }
  | { kind: 'reactivate'; subscription: RemoteSubscription }
  | { kind: 'remove'; subscription: RemoteSubscription; reason: string };

export interface EndpointPlan {
  endpoint: string;
  platform: SubscriptionPlatform;
  url: string;
  /** `skipped`: no API access for it; `failed`: the platform could not be read. */
  status: 'planned' | 'skipped' | 'failed';
  reason?: string | undefined;
  error?: SubscriptionError | undefined;
  actions: PlannedAction[];
  /** Mismatches `apply` cannot mend, with what to do. */
  manual: Finding[];
}

export interface Plan {
  endpoints: EndpointPlan[];
  /** Number of actions over every endpoint. */
  changes: number;
}

export interface AppliedAction {
  endpoint: string;
  platform: SubscriptionPlatform;
  action: PlannedAction;
  ok: boolean;
  error?: SubscriptionError | undefined;
}

export interface ApplyResult {
  actions: AppliedAction[];
  failed: number;
}

/** A delivery fired at the live receiver to see it answer. */
export interface TestDelivery {
  endpoint: string;
  platform: SubscriptionPlatform;
  /** `docstudio-send`, `ignisign-resend` or `adobe-sign-intent`. */
  kind: 'docstudio-send' | 'ignisign-resend' | 'adobe-sign-intent';
  /** `skipped`: it could not be run (reason in `detail`). */
  outcome: 'passed' | 'failed' | 'skipped';
  /** The receiver's HTTP status, when it answered. */
  status?: number | undefined;
  detail: string;
}

export interface EndpointCheck {
  endpoint: string;
  platform: SubscriptionPlatform;
  url: string;
  status: 'checked' | 'skipped' | 'failed';
  reason?: string | undefined;
  error?: SubscriptionError | undefined;
  findings: Finding[];
  tests: TestDelivery[];
}

export interface CheckReport {
  endpoints: EndpointCheck[];
  /** Every finding of every endpoint. */
  findings: Finding[];
  tests: TestDelivery[];
}

export interface EndpointListing {
  endpoint: string;
  platform: SubscriptionPlatform;
  url: string;
  status: 'listed' | 'skipped' | 'failed';
  reason?: string | undefined;
  error?: SubscriptionError | undefined;
  /** Everything the platform has where this endpoint's subscriptions live; `ours` marks this endpoint's. */
  subscriptions: Array<RemoteSubscription & { ours: boolean }>;
}

/** Options of a test delivery run by `check`. */
export interface ProbeOptions {
  /** DocStudio's `send` fires a delivery of a real envelope: the one to use. */
  docstudioEnvelope?: string | undefined;
  fetch: typeof globalThis.fetch;
}

/** One platform's side of the comparison. */
export interface Adapter<S extends EndpointSubscription, C extends PlatformClient> {
  /** SignIt cannot delete: a switched-off webhook counts as removed. */
  readonly inactiveIsRemoved: boolean;
  /** How the URL is changed: in place, or by creating a new subscription and removing the old. */
  readonly urlChange: 'update' | 'replace';
  observe(client: C): Promise<RemoteSubscription[]>;
  /** Findings about the configuration alone (no platform state), e.g. a client id the receiver refuses. */
  configFindings(desired: Desired<S>): Finding[];
  /** How the matched subscription's settings and events differ from the desired ones (not the URL). */
  compare(desired: Desired<S>, remote: RemoteSubscription): Finding[];
  /** A disabled subscription: the finding, with its repair when the API can re-enable it. */
  disabled(desired: Desired<S>, remote: RemoteSubscription): Finding;
  /** What `create` would set up, one line each. */
  describe(desired: Desired<S>): string[];
  create(client: C, desired: Desired<S>): Promise<void>;
  /** Make `remote` equal to `desired`, in place. */
  update(client: C, remote: RemoteSubscription, desired: Desired<S>): Promise<void>;
  reactivate?(client: C, remote: RemoteSubscription): Promise<void>;
  remove(client: C, remote: RemoteSubscription, desired: Desired<S>): Promise<void>;
  /** The single events the subscription delivers (groups expanded), for the unhandled-events check. */
  delivered(events: RemoteSubscription['events'], desired: Desired<S>): readonly string[];
  /** Whether a handler registered as `<endpoint>:<name>` for each of `names` covers `event`. */
  handles(names: ReadonlySet<string>, event: string): boolean;
  probe?(client: C, desired: Desired<S>, remote: RemoteSubscription, options: ProbeOptions): Promise<Omit<TestDelivery, 'endpoint' | 'platform'>>;
}
