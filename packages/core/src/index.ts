export { createReceiver, forwardedFor } from './receiver.js';
export type { ReceiverOptions, Receiver, AnyReceiver, ReadinessReport, ReadinessCheck, AuthFailureLimitOptions } from './receiver.js';
export { createHandlers } from './handlers.js';
export type { HandlerRegistry, HandlerRegistryOptions, ErrorInfo } from './handlers.js';
export { defineProvider, definePlatform, jsonResponse, emptyResponse, errorResponse } from './provider.js';
export type { Provider, Platform, ProviderTypes, AckOutcome } from './provider.js';
export type { WebhookRequest, WebhookResponse, DeliveryContext, DeliveryInfo, ParsedEvent, ParseResult, ProviderAnswer, BodyInput, EventedReadable, FetchBody, PeerCertificate } from './types.js';
export type { HeadersInput, HeaderReader } from './headers.js';
export { readHeaders } from './headers.js';
export { readBody } from './body.js';
export { adapterRoute, notUnderPrefix } from './adapter.js';
export type { AdapterOptions } from './adapter.js';
export { CountersignError, ErrorCodes, isCountersignError, isUnrecoverable } from './errors.js';
export type { ErrorCode, CountersignErrorOptions } from './errors.js';
export { silentLogger, jsonLogger, defaultLogger } from './logger.js';
export type { Logger } from './logger.js';
export type {
  ReceiverObserver,
  DeliveryStart,
  DeliveryObservation,
  DeliveryResult,
  DeliveryOutcome,
  ObservedEvent,
  HandlerRunStart,
  HandlerRunObservation,
  HandlerRunResult,
  HandlerRunOutcome,
} from './observer.js';
export { LIFECYCLE_STAGES, lifecycleTime } from './lifecycle.js';
export type { Lifecycle, LifecycleStage, LifecycleFacts, LifecycleSigner } from './lifecycle.js';
export type { LifecycleName, Endpoints, Platforms, EventName, EventFor, EventOf, AnyEvent, KnownEvent, UnknownEvent, Handler } from './events.js';
export { memoryDedupe } from './dedupe/memory.js';
export type { MemoryDedupe, MemoryDedupeOptions, MemoryDedupeStats } from './dedupe/memory.js';
export type { DedupeStore, ClaimResult } from './dedupe/types.js';
export { memoryQueue, backoffDelay, freezingRuntime } from './queue/memory.js';
export type { MemoryQueue, MemoryQueueOptions, BackoffOptions } from './queue/memory.js';
export type { EventQueue, EnqueueInfo, WaitUntil, QueuedEvent, DeadLetter, Dispatch, DispatchInfo } from './queue/types.js';
export { timingSafeEqual, hmac, sha256Hex, toBase64, fromBase64, toHex } from './crypto.js';
export type { HmacAlgorithm } from './crypto.js';
export { parsePayload, boundedArray, MAX_ISSUES } from './validation.js';
export { boundKey, clip, safeHeaderValue, MAX_EVENT_NAME_LENGTH, MAX_EVENTS_PER_DELIVERY, MAX_ID_LENGTH, MAX_KEY_LENGTH } from './limits.js';
export type { ParsePayloadOptions, PayloadIssue } from './validation.js';
export { secretSource } from './secrets.js';
export { clientCertificateError } from './tls.js';
export type { ClientCertificateRequirement } from './tls.js';
export { endpointOptions } from './options.js';
export type { EndpointOptions } from './options.js';
export type { SecretList, SecretLookup, SecretSource, SecretSourceOptions, SecretResolver } from './secrets.js';
export { jwtVerifier } from './jwt.js';
export type { JwtOptions, JwtVerifier, JwtVerifierSettings } from './jwt.js';

// The built-in providers: each one's factory, its secret-free platform and the types its options and facts take.
// Their event lists, topic maps, zod schemas and payload types are in each platform's subpath export
// (`@countersign/core/adobe-sign`, `/ignisign`, `/signit`, `/docstudio`, `/docusign`, `/dropbox-sign`, `/yousign`,
// `/pandadoc`, `/boldsign`): one line here per provider (CONTRIBUTING.md).
export { adobeSign, adobeSignPlatform, type AdobeSignOptions, type AdobeSignFacts, type AdobeSignTypes, type AdobeSignOAuthOptions } from './providers/adobe-sign/index.js';
export {
  ignisign,
  ignisignPlatform,
  ignisignApi,
  ignisignJwt,
  memoryTokenMemo,
  TOKEN_MEMO_TTL_MS,
  type IgnisignOptions,
  type IgnisignFacts,
  type IgnisignTypes,
  type IgnisignAppEnv,
  type IgnisignApiOptions,
  type IgnisignJwtOptions,
  type IgnisignTokenCheck,
  type IgnisignTokenVerifier,
  type TokenMemoStore,
  type MemoryTokenMemoOptions,
} from './providers/ignisign/index.js';
export { signit, signitPlatform, type SignitOptions, type SignitFacts, type SignitTypes, type SignitApp, type SignitFreshnessOptions } from './providers/signit/index.js';
export { docstudio, docstudioPlatform, type DocStudioOptions, type DocStudioFacts, type DocStudioTypes } from './providers/docstudio/index.js';
export { docusign, docusignPlatform, type DocusignOptions, type DocusignFacts, type DocusignTypes } from './providers/docusign/index.js';
export { dropboxSign, dropboxSignPlatform, type DropboxSignOptions, type DropboxSignFacts, type DropboxSignTypes, type DropboxSignRefetchOptions } from './providers/dropbox-sign/index.js';
export { yousign, yousignPlatform, type YousignOptions, type YousignFacts, type YousignTypes } from './providers/yousign/index.js';
export { pandadoc, pandadocPlatform, type PandaDocOptions, type PandaDocTypes } from './providers/pandadoc/index.js';
export { boldsign, boldsignPlatform, type BoldSignOptions, type BoldSignTypes } from './providers/boldsign/index.js';
