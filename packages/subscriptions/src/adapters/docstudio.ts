import type { Adapter, Desired, Finding, RemoteSubscription } from '../model.js';
import { DOCSTUDIO_CALLBACK_STATUSES, type DocStudioCallbackInput, type DocStudioCallbacksClient } from '../platforms/docstudio.js';
import type { DocStudioSubscription } from '../spec.js';
import { APPLY, diffEvents, eventFindings, listed } from './shared.js';

type D = Desired<DocStudioSubscription>;

const upper = (s: string): string => s.toUpperCase();
const RECREATE = `re-create the callback (${APPLY} adds the new one, then removes this one: DocStudio cannot change a callback in place)`;

function input(desired: D): DocStudioCallbackInput {
  const s = desired.subscription;
  const out: DocStudioCallbackInput = {
    filter: s.events === 'all' ? {} : { status: [...s.events] },
    url: desired.url,
    retries: s.retries,
    timeout: s.callbackTimeoutMs,
    successCode: s.successCode,
  };
  if (s.credentials !== undefined) {
    out.login = s.credentials.login;
    out.password = s.credentials.password;
  }
  return out;
}

const eventsText = (events: RemoteSubscription['events']): string => (events === 'all' ? 'every status' : events === 'unknown' ? 'unknown' : events.join(','));

export const docstudioAdapter: Adapter<DocStudioSubscription, DocStudioCallbacksClient> = {
  inactiveIsRemoved: false,
  urlChange: 'replace',

  async observe(client) {
    return (await client.list()).map((cb): RemoteSubscription => {
      const { status, ...rest } = cb.filter;
      const others = Object.entries(rest).filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0));
      return {
        id: cb.id,
        url: cb.url,
        name: undefined,
        events: status !== undefined && status.length > 0 ? status.map(upper) : 'all',
        active: true,
        settings: {
          successCode: cb.successCode,
          timeout: cb.timeout,
          retries: cb.retries,
          authType: cb.authType,
          otherFilters: others.length === 0 ? undefined : JSON.stringify(Object.fromEntries(others)),
        },
      };
    });
  },

  configFindings: () => [],

  compare(desired, remote) {
    const s = desired.subscription;
    const base = { endpoint: desired.endpoint, platform: 'docstudio' as const, subscriptionId: remote.id };
    const out: Finding[] = [];
    const want = s.events === 'all' ? [...DOCSTUDIO_CALLBACK_STATUSES] : s.events;
    const have = remote.events === 'all' || remote.events === 'unknown' ? [...DOCSTUDIO_CALLBACK_STATUSES] : remote.events;
    const diff = diffEvents(want, have, upper);
    const to = s.events === 'all' ? 'every status' : s.events.join(',');
    out.push(...eventFindings('docstudio', desired, remote, diff, { via: 'replace', from: eventsText(remote.events), to, noun: 'statuses' }));

    const { successCode, timeout, retries, authType, otherFilters } = remote.settings;
    if (typeof otherFilters === 'string') {
      out.push({
        ...base,
        kind: 'filter-restricted',
        severity: 'warning',
        message: `The callback's filter also restricts ${otherFilters}: envelopes outside it are never delivered.`,
        fix: `If that is not intended, ${RECREATE}.`,
        repair: { action: 'replace', field: 'filter', from: otherFilters, to: s.events === 'all' ? '{}' : JSON.stringify({ status: s.events }) },
      });
    }
    const code = typeof successCode === 'number' ? successCode : 200;
    if (code !== s.successCode) {
      out.push({
        ...base,
        kind: 'success-code-mismatch',
        severity: 'error',
        message: `DocStudio expects ${code} but the receiver answers ${s.successCode}: every delivery counts as failed, is retried until its retries run out, and is lost.`,
        fix: `Set DOCSTUDIO_SUCCESS_CODE (docstudio({ successCode })) to ${code}, or ${RECREATE} with ${s.successCode}.`,
        repair: { action: 'replace', field: 'successCode', from: String(code), to: String(s.successCode) },
      });
    }
    const wait = typeof timeout === 'number' ? timeout : 5000;
    if (wait < s.callbackTimeoutMs) {
      out.push({
        ...base,
        kind: 'timeout-too-short',
        severity: 'error',
        message: `DocStudio waits ${wait} ms for an answer but the receiver is configured for a ${s.callbackTimeoutMs} ms callback timeout (its budget is that minus a network margin): answers after ${wait} ms count as failures and are retried.`,
        fix: `${RECREATE[0]?.toUpperCase()}${RECREATE.slice(1)} with timeout ${s.callbackTimeoutMs}, or give the receiver docstudio({ callbackTimeoutMs: ${wait} }).`,
        repair: { action: 'replace', field: 'timeout', from: String(wait), to: String(s.callbackTimeoutMs) },
      });
    }
    if (typeof retries === 'number' && retries !== s.retries) {
      out.push({
        ...base,
        kind: 'retries-mismatch',
        severity: retries < s.retries ? 'error' : 'warning',
        message: `The callback retries ${retries} time(s), the endpoint is configured for ${s.retries}${retries < s.retries ? ': a receiver briefly down loses events sooner' : ''}.`,
        fix: `${RECREATE[0]?.toUpperCase()}${RECREATE.slice(1)} with retries ${s.retries}.`,
        repair: { action: 'replace', field: 'retries', from: String(retries), to: String(s.retries) },
      });
    }
    if (s.credentials !== undefined && String(authType ?? 'NONE').toUpperCase() !== 'BASIC') {
      out.push({
        ...base,
        kind: 'credentials-unset',
        severity: 'error',
        message: 'The callback sends no Basic credentials but the receiver requires them: it refuses every delivery with 401.',
        fix: `${RECREATE[0]?.toUpperCase()}${RECREATE.slice(1)} with the receiver's login and password (DOCSTUDIO_LOGIN, DOCSTUDIO_PASSWORD).`,
        repair: { action: 'replace', field: 'credentials', from: 'none', to: 'Basic' },
      });
    }
    return out;
  },

  disabled: (desired, remote) => ({
    endpoint: desired.endpoint,
    platform: 'docstudio',
    kind: 'disabled',
    severity: 'error',
    subscriptionId: remote.id,
    message: 'The callback is not active.',
    fix: `${RECREATE[0]?.toUpperCase()}${RECREATE.slice(1)}.`,
    repair: { action: 'replace', field: 'active', from: 'false', to: 'true' },
  }),

  describe(desired) {
    const s = desired.subscription;
    return [
      `url ${desired.url}`,
      `statuses ${s.events === 'all' ? 'every status (filter {})' : listed(s.events)}`,
      `successCode ${s.successCode}, timeout ${s.callbackTimeoutMs} ms, retries ${s.retries}`,
      s.credentials === undefined ? 'no credentials' : `Basic credentials (login ${s.credentials.login})`,
    ];
  },

  async create(client, desired) {
    await client.add(input(desired));
  },
  async update() {
    throw new Error('DocStudio callbacks are replaced, never updated in place');
  },
  async remove(client, remote) {
    await client.remove(remote.id);
  },

  delivered: (events) => (events === 'all' || events === 'unknown' ? DOCSTUDIO_CALLBACK_STATUSES : events),
  handles: (names, event) => names.has(event.toUpperCase()),

  async probe(client, desired, remote, options) {
    if (options.docstudioEnvelope === undefined || options.docstudioEnvelope === '') {
      return { kind: 'docstudio-send', outcome: 'skipped', detail: 'DocStudio fires a test delivery of a real envelope: give one (--docstudio-envelope <uuid>).' };
    }
    const answer = await client.send(remote.id, options.docstudioEnvelope);
    const expected = desired.subscription.successCode;
    const body = answer.body === '' ? '' : ` ${answer.body.slice(0, 200)}`;
    if (answer.code === expected) return { kind: 'docstudio-send', outcome: 'passed', status: answer.code, detail: `the receiver answered ${answer.code}, the success code DocStudio expects` };
    const hint =
      answer.code === 401
        ? ' The callback\'s login or password differ from the receiver\'s (DocStudio never returns them): remove the callback and apply again.'
        : answer.code === undefined
          ? ' The receiver could not be reached from DocStudio.'
          : '';
    return {
      kind: 'docstudio-send',
      outcome: 'failed',
      status: answer.code,
      detail: `the receiver answered ${answer.code ?? 'nothing'}${body}, DocStudio expects ${expected}.${hint}`,
    };
  },
};
