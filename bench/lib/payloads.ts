/**
 * Request bodies for the benchmark: Adobe Acrobat Sign notifications (2 kB and ~1 MB) whose
 * `webhookNotificationId` is unique per request, and signed GitHub deliveries for the octokit peer row.
 *
 * Every body is built as `prefix + id + suffix` around a fixed-length id, so the load generator only
 * concatenates (2 kB) or patches bytes in place (1 MB) per request.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** The Adobe client id every countersign server in the bench allows (the header the bench sends). */
export const ADOBE_CLIENT_ID = 'CBJCHBCAABAAbenchCl1entId0000000';
/** The octokit peer's webhook secret. */
export const GITHUB_SECRET = 'countersign-bench-secret-0123456789';

const ID_PLACEHOLDER = '@@NOTIFICATION_ID@@';
/** Length of every generated notification id (UUID-shaped). */
export const ID_LENGTH = 36;

/**
 * Unique, UUID-shaped ids: a random run prefix plus a counter in the last group,
 * so no id repeats within a run (2^48 requests) nor, with overwhelming probability, across runs.
 */
export function idGenerator(): (n: number) => string {
  const tag = randomBytes(10).toString('hex'); // 20 hex digits
  const head = `${tag.slice(0, 8)}-${tag.slice(8, 12)}-4${tag.slice(12, 15)}-a${tag.slice(15, 18)}-`;
  return (n) => head + n.toString(16).padStart(12, '0');
}

export interface BodyTemplate {
  /** Bytes before the id. */
  prefix: string;
  /** Bytes after the id. */
  suffix: string;
  /** Total size of one body, in bytes. */
  bytes: number;
}

function split(json: string): BodyTemplate {
  const at = json.indexOf(ID_PLACEHOLDER);
  if (at === -1 || json.indexOf(ID_PLACEHOLDER, at + 1) !== -1) throw new Error('payloads: the id placeholder must occur exactly once');
  const prefix = json.slice(0, at);
  const suffix = json.slice(at + ID_PLACEHOLDER.length);
  return { prefix, suffix, bytes: Buffer.byteLength(prefix) + ID_LENGTH + Buffer.byteLength(suffix) };
}

function user(n: number): { id: string; email: string } {
  return { id: `CBJCHBCAABAAbenchUser${String(n).padStart(6, '0')}xQz7`, email: `signer${n}@example.com` };
}

function participantSet(n: number, order: number): Record<string, unknown> {
  const u = user(n);
  return {
    memberInfos: [
      {
        id: `CBJCHBCAABAAmember${String(n).padStart(8, '0')}Hq3`,
        email: u.email,
        company: 'Example Industries',
        name: `Signer Number ${n}`,
        status: 'ACTIVE',
        userId: u.id,
        securityOption: { authenticationMethod: 'NONE' },
      },
    ],
    order,
    role: 'SIGNER',
    status: order === 1 ? 'WAITING_FOR_MY_SIGNATURE' : 'NOT_YET_VISIBLE',
    id: `CBJCHBCAABAApset${String(n).padStart(10, '0')}Kv8`,
  };
}

function envelope(event: string, agreement: Record<string, unknown>): Record<string, unknown> {
  const sender = user(0);
  return {
    webhookId: '9d5a2f1e-6c3b-4e8a-9b7d-2f4c6e8a0b1c',
    webhookName: 'countersign-bench-account-webhook',
    webhookNotificationId: ID_PLACEHOLDER,
    webhookUrlInfo: { url: 'https://hooks.example.com/webhooks/adobe' },
    webhookScope: 'ACCOUNT',
    webhookNotificationApplicableUsers: [{ id: sender.id, email: sender.email, role: 'SENDER', payloadApplicable: true }],
    event,
    eventDate: '2025-06-02T09:41:27Z',
    eventResourceType: 'agreement',
    participantUserId: sender.id,
    participantUserEmail: sender.email,
    actingUserId: sender.id,
    actingUserEmail: sender.email,
    actingUserIpAddress: '203.0.113.24',
    initiatingUserId: sender.id,
    initiatingUserEmail: sender.email,
    agreement,
  };
}

/** `AGREEMENT_CREATED` with two signers: about 2 kB, the size of a typical Adobe notification. */
export function adobeSmall(): BodyTemplate {
  const agreement = {
    id: 'CBJCHBCAABAAq8pT2vXw3nLkR5sYbench0001',
    name: 'Master services agreement - Example Industries',
    signatureType: 'ESIGN',
    status: 'OUT_FOR_SIGNATURE',
    documentVisibilityEnabled: false,
    createdDate: '2025-06-02T09:41:26Z',
    expirationTime: '2025-07-02T09:41:26Z',
    externalId: { id: 'crm-opportunity-004217' },
    locale: 'en_US',
    message: 'Please review and sign the master services agreement.',
    senderEmail: user(0).email,
    participantSetsInfo: { participantSets: [participantSet(1, 1), participantSet(2, 2)] },
    createdGroupId: 'CBJCHBCAABAAgroupBench0001',
  };
  return split(JSON.stringify(envelope('AGREEMENT_CREATED', agreement)));
}

/**
 * `AGREEMENT_WORKFLOW_COMPLETED` carrying the signed PDF (base64 in `agreement.signedDocumentInfo.document`,
 * as Adobe sends it when "include signed documents" is on), about `totalBytes` long: what makes real Adobe
 * notifications large.
 */
export function adobeLarge(totalBytes = 1024 * 1024): BodyTemplate {
  const agreement: Record<string, unknown> = {
    id: 'CBJCHBCAABAAq8pT2vXw3nLkR5sYbench0002',
    name: 'Master services agreement - Example Industries',
    signatureType: 'ESIGN',
    status: 'SIGNED',
    documentVisibilityEnabled: false,
    createdDate: '2025-06-02T09:41:26Z',
    locale: 'en_US',
    message: 'Please review and sign the master services agreement.',
    senderEmail: user(0).email,
    participantSetsInfo: { participantSets: Array.from({ length: 6 }, (_, i) => participantSet(i + 1, i + 1)) },
    documentsInfo: {
      documents: [{ id: 'CBJCHBCAABAAdocBench0001', label: 'msa', numPages: 42, mimeType: 'application/pdf', name: 'msa.pdf' }],
    },
    signedDocumentInfo: { document: '' },
  };
  const skeleton = JSON.stringify(envelope('AGREEMENT_WORKFLOW_COMPLETED', agreement));
  const room = totalBytes - (Buffer.byteLength(skeleton) - ID_PLACEHOLDER.length + ID_LENGTH);
  const rawBytes = Math.max(0, Math.floor((room * 3) / 4));
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1'), randomBytes(rawBytes)]).subarray(0, rawBytes);
  agreement.signedDocumentInfo = { document: pdf.toString('base64') };
  return split(JSON.stringify(envelope('AGREEMENT_WORKFLOW_COMPLETED', agreement)));
}

export interface GithubDelivery {
  body: Buffer;
  delivery: string;
  signature: string;
}

/** A GitHub `issues.opened` delivery of about 2 kB, signed with `x-hub-signature-256` (HMAC-SHA256 of the body). */
export function githubDelivery(id: string): GithubDelivery {
  const owner = { login: 'example-org', id: 90_210, node_id: 'O_kgDOBbench', type: 'Organization', site_admin: false, html_url: 'https://github.com/example-org' };
  const sender = { login: 'octo-bench', id: 583_231, node_id: 'MDQ6VXNlcjU4MzIzMQ==', type: 'User', site_admin: false, html_url: 'https://github.com/octo-bench' };
  const payload = {
    action: 'opened',
    issue: {
      url: 'https://api.github.com/repos/example-org/contracts/issues/1347',
      html_url: 'https://github.com/example-org/contracts/issues/1347',
      id: 2_871_004_512,
      node_id: 'I_kwDOBbenchissue',
      number: 1347,
      title: 'Signed agreement is missing from the archive',
      user: sender,
      labels: [{ id: 1, name: 'bug', color: 'd73a4a', default: true }],
      state: 'open',
      locked: false,
      assignee: null,
      assignees: [],
      comments: 0,
      created_at: '2025-06-02T09:41:27Z',
      updated_at: '2025-06-02T09:41:27Z',
      closed_at: null,
      author_association: 'MEMBER',
      body:
        `Delivery ${id}: the completed agreement did not reach the archive bucket although the webhook was acknowledged. ` +
        'Steps: send an agreement for signature, sign it with both signers, wait for the completion notification, then look ' +
        'for the signed PDF under archive/2025/06. Expected: the PDF and the audit report are there within a minute.',
    },
    repository: {
      id: 771_002_311,
      node_id: 'R_kgDOBbenchrepo',
      name: 'contracts',
      full_name: 'example-org/contracts',
      private: true,
      owner,
      html_url: 'https://github.com/example-org/contracts',
      description: 'Contract automation',
      fork: false,
      url: 'https://api.github.com/repos/example-org/contracts',
      created_at: '2023-01-10T12:00:00Z',
      updated_at: '2025-06-01T08:00:00Z',
      pushed_at: '2025-06-02T09:00:00Z',
      default_branch: 'main',
      visibility: 'private',
      open_issues_count: 12,
    },
    organization: { login: owner.login, id: owner.id, node_id: owner.node_id, url: 'https://api.github.com/orgs/example-org' },
    sender,
  };
  const body = Buffer.from(JSON.stringify(payload));
  const signature = `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`;
  return { body, delivery: id, signature };
}
