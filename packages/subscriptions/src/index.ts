export { SubscriptionError, SubscriptionErrorCodes, isSubscriptionError } from './errors.js';
export type { SubscriptionErrorCode, SubscriptionErrorOptions, SubscriptionPlatform } from './errors.js';
export { retryAfterMs } from './http.js';
export type { ApiClientOptions, RetryOptions } from './http.js';

export { docstudioCallbacks, DOCSTUDIO_CALLBACK_STATUSES } from './platforms/docstudio.js';
export type {
  DocStudioApiOptions,
  DocStudioCallback,
  DocStudioCallbackFilter,
  DocStudioCallbackInput,
  DocStudioCallbackStatus,
  DocStudioCallbacksClient,
  DocStudioCheckResult,
  DocStudioSendResult,
} from './platforms/docstudio.js';
export { signitWebhooks, SIGNIT_WEBHOOK_EVENTS, SIGNIT_WEBHOOK_FIELDS } from './platforms/signit.js';
export type {
  SignitApiOptions,
  SignitListPage,
  SignitListQuery,
  SignitWebhook,
  SignitWebhookEvent,
  SignitWebhookField,
  SignitWebhookInput,
  SignitWebhooksClient,
} from './platforms/signit.js';
export { signitAuthorization, signitHeaders, signitResource, signitStringToSign } from './platforms/signit-signing.js';
export type { SignitSignedParts, SignitSigningOptions } from './platforms/signit-signing.js';
export { adobeSignWebhooks, ADOBE_SIGN_EVENT_GROUPS, ADOBE_SIGN_WEBHOOK_SCOPES } from './platforms/adobe-sign.js';
export type {
  AdobeSignApiOptions,
  AdobeSignEventGroup,
  AdobeSignListQuery,
  AdobeSignWebhook,
  AdobeSignWebhookInput,
  AdobeSignWebhookScope,
  AdobeSignWebhooksClient,
} from './platforms/adobe-sign.js';
export { ignisignWebhooks } from './platforms/ignisign.js';
export type {
  IgnisignEventFilter,
  IgnisignWebhookEndpoint,
  IgnisignWebhookEndpointInput,
  IgnisignWebhookEvent,
  IgnisignWebhookEventPage,
  IgnisignWebhooksApiOptions,
  IgnisignWebhooksClient,
} from './platforms/ignisign.js';

export { subscriptionFor } from './spec.js';
export type {
  AdobeSignSubscription,
  AdobeSignSubscriptionOptions,
  DocStudioSubscription,
  DocStudioSubscriptionOptions,
  EndpointSubscription,
  IgnisignSubscription,
  IgnisignSubscriptionOptions,
  SignitSubscription,
  SignitSubscriptionOptions,
  SubscriptionFor,
  SubscriptionOptionsFor,
} from './spec.js';
export { subscriptions } from './manager.js';
export type { CheckOptions, SelectOptions, SubscriptionManager, SubscriptionSetup } from './manager.js';
export { expandAdobeSignEvents } from './adapters/adobe-sign.js';
export type {
  AppliedAction,
  ApplyResult,
  Change,
  CheckReport,
  EndpointCheck,
  EndpointListing,
  EndpointPlan,
  Finding,
  FindingKind,
  Plan,
  PlannedAction,
  PlatformClient,
  RemoteSubscription,
  Repair,
  TestDelivery,
} from './model.js';
export { formatAction, formatApply, formatCheck, formatListing, formatPlan } from './format.js';
