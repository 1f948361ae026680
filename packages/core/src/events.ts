import type { Platform, Provider, ProviderTypes } from './provider.js';
import type { DeliveryInfo } from './types.js';
import type { Lifecycle, LifecycleStage } from './lifecycle.js';

/** The endpoints of a receiver: name -> provider. */
export type Endpoints = Record<string, Provider<ProviderTypes>>;

/** What handlers are typed from: name -> platform (every provider is one). */
export type Platforms = Record<string, Platform<ProviderTypes>>;

type TypesOf<P> = P extends Platform<infer T> ? T : never;
type EventsOf<P> = TypesOf<P>['events'];
type TopicsOf<P> = TypesOf<P>['topics'];
type BaseOf<P> = TypesOf<P>['base'];

interface EventCommon<Endpoint extends string> {
  /**
   * The event's id everywhere: handlers, logs, the dead-letter list and `replay(id)`. `<endpoint>:<key>`: identical
   * for every copy and retry of this event.
   */
  id: string;
  /** The dedupe key within the endpoint: the platform's own event id where it has one (`webhookNotificationId`...). */
  key: string;
  endpoint: Endpoint;
  /** What the pipeline knew of the delivery: when, the platform's attempt number, the account, declared headers. */
  delivery: DeliveryInfo;
  /**
   * The event's place in the signing lifecycle, the same record on every platform (stage, document id, signer,
   * time), or `undefined` for events with no stage. `on('lifecycle:completed', ...)` runs for every endpoint's.
   */
  lifecycle: Lifecycle | undefined;
  /** The topic the event belongs to (`AGREEMENT`, `SIGNATURE_REQUEST`), when the provider has topics. */
  topic: string | undefined;
  /** When the delivery was accepted. */
  receivedAt: Date;
  /** 1 on the first attempt, higher on retries after a handler failed. */
  attempt: number;
}

/** An event the provider knows: `payload` is precisely typed. */
export interface KnownEvent<Endpoint extends string, Name extends string, Payload> extends EventCommon<Endpoint> {
  name: Name;
  known: true;
  payload: Payload;
}

/** An event the provider does not know (yet): it passes through with the provider's lenient base type. */
export interface UnknownEvent<Endpoint extends string, Payload> extends EventCommon<Endpoint> {
  name: string;
  known: false;
  payload: Payload;
}

type KnownEventsOf<E extends Platforms, K extends keyof E & string> = {
  [N in keyof EventsOf<E[K]> & string]: KnownEvent<K, N, EventsOf<E[K]>[N]>;
};

type AllOf<E extends Platforms, K extends keyof E & string> =
  | KnownEventsOf<E, K>[keyof KnownEventsOf<E, K>]
  | UnknownEvent<K, BaseOf<E[K]>>;

/**
 * Every name `on()` accepts: `<endpoint>:<EVENT>`, `<endpoint>:<TOPIC>` (every event of a topic)
 * and `<endpoint>:*` (every event of the endpoint, known or not).
 */
export type EventName<E extends Platforms> =
  | {
      [K in keyof E & string]: `${K}:${(keyof EventsOf<E[K]> & string) | (keyof TopicsOf<E[K]> & string) | '*'}`;
    }[keyof E & string]
  | LifecycleName;

/** `lifecycle:<stage>`: an event of any endpoint at that stage of signing; `lifecycle:*`: every event with a stage. */
export type LifecycleName = `lifecycle:${LifecycleStage | '*'}`;

/** Any event of any endpoint, with its lifecycle record narrowed to `S`. */
type AtStage<E extends Platforms, S extends LifecycleStage> = AnyEvent<E> & { lifecycle: Lifecycle<S> };

/** The event a handler registered under `Name` receives. */
export type EventFor<E extends Platforms, Name extends string> = Name extends `lifecycle:${infer S}`
  ? S extends LifecycleStage
    ? AtStage<E, S>
    : S extends '*'
      ? AtStage<E, LifecycleStage>
      : never
  : Name extends `${infer K}:${infer R}`
  ? K extends keyof E & string
    ? R extends '*'
      ? AllOf<E, K>
      : R extends keyof EventsOf<E[K]> & string
        ? KnownEventsOf<E, K>[R]
        : R extends keyof TopicsOf<E[K]>
          ? KnownEventsOf<E, K>[TopicsOf<E[K]>[R] & keyof KnownEventsOf<E, K>] | UnknownEvent<K, BaseOf<E[K]>>
          : never
    : never
  : never;

/**
 * The event a handler registered under `Name` receives, for a receiver: type a handler written outside `on()`.
 *
 * ```ts
 * type Completed = EventOf<typeof receiver, 'adobe-sign:AGREEMENT_WORKFLOW_COMPLETED'>;
 * async function archive(event: Completed): Promise<void> {
 *   event.payload.agreement.id; // string
 * }
 * receiver.on('adobe-sign:AGREEMENT_WORKFLOW_COMPLETED', archive);
 * ```
 */
export type EventOf<R extends { readonly endpoints: Platforms } | { readonly platforms: Platforms }, Name extends EventName<PlatformsOf<R>>> = EventFor<
  PlatformsOf<R>,
  Name
>;

/** The platforms of a receiver (`endpoints`) or of a handler registry (`platforms`). */
type PlatformsOf<R> = R extends { readonly platforms: infer P extends Platforms } ? P : R extends { readonly endpoints: infer P extends Platforms } ? P : never;

/** Any event of any endpoint, as `onAny` receives it. Narrow with `endpoint`, `known` and `name`. */
export type AnyEvent<E extends Platforms> = { [K in keyof E & string]: AllOf<E, K> }[keyof E & string];

/** A handler may return anything; a rejected promise or a throw counts as a failure (retried). */
export type Handler<Ev> = (event: Ev) => unknown;
