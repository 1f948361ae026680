import { PLATFORM_NAMES } from './http.js';
import type { ApplyResult, CheckReport, EndpointListing, Plan, PlannedAction } from './model.js';

/** Human-readable text of plans, check reports and listings: what the CLI prints, for scripts that want the same. */

const head = (e: { endpoint: string; platform: keyof typeof PLATFORM_NAMES; url: string }): string => `${e.endpoint} (${PLATFORM_NAMES[e.platform]}) -> ${e.url}`;

export function formatAction(action: PlannedAction): string[] {
  switch (action.kind) {
    case 'create':
      return ['  + create', ...action.description.map((d) => `      ${d}`)];
    case 'update':
      return [`  ~ update ${action.subscription.id}`, ...action.changes.map((c) => `      ${c.field}: ${c.from || '(none)'} -> ${c.to}`)];
    case 'replace':
      return [
        `  ± replace ${action.subscription.id} (create the new one, then remove this one)`,
        ...action.changes.map((c) => `      ${c.field}: ${c.from || '(none)'} -> ${c.to}`),
      ];
    case 'reactivate':
      return [`  ^ re-activate ${action.subscription.id}`];
    case 'remove':
      return [`  - remove ${action.subscription.id} ${action.subscription.url} (${action.reason})`];
  }
}

export function formatPlan(plan: Plan): string[] {
  const lines: string[] = [];
  for (const e of plan.endpoints) {
    if (e.status === 'skipped') {
      lines.push(`${e.endpoint} (${PLATFORM_NAMES[e.platform]}): skipped, ${e.reason ?? ''}`);
      continue;
    }
    lines.push(head(e));
    if (e.status === 'failed') {
      lines.push(`  could not read the platform: ${e.reason ?? ''}`);
      continue;
    }
    for (const action of e.actions) lines.push(...formatAction(action));
    for (const m of e.manual) lines.push(`  ! ${m.message}`, `      fix: ${m.fix}`);
    if (e.actions.length === 0 && e.manual.length === 0) lines.push('  = up to date');
  }
  const manual = plan.endpoints.reduce((n, e) => n + e.manual.length, 0);
  lines.push(`${plan.changes} change(s)${manual > 0 ? `, ${manual} to make by hand` : ''}.`);
  return lines;
}

export function formatApply(result: ApplyResult): string[] {
  const lines = result.actions.map((a) => {
    const what = formatAction(a.action)[0]?.trim() ?? a.action.kind;
    return a.ok ? `${a.endpoint}: done: ${what}` : `${a.endpoint}: FAILED: ${what}: ${a.error?.message ?? ''}`;
  });
  lines.push(`${result.actions.length - result.failed} done, ${result.failed} failed.`);
  return lines;
}

export function formatCheck(report: CheckReport): string[] {
  const lines: string[] = [];
  for (const e of report.endpoints) {
    if (e.status === 'skipped') {
      lines.push(`${e.endpoint} (${PLATFORM_NAMES[e.platform]}): skipped, ${e.reason ?? ''}`);
    } else {
      lines.push(head(e));
      if (e.status === 'failed') lines.push(`  could not read the platform: ${e.reason ?? ''}`);
    }
    for (const f of e.findings) lines.push(`  ${f.severity === 'error' ? 'ERROR' : 'WARN '} ${f.kind}: ${f.message}`, `        fix: ${f.fix}`);
    for (const t of e.tests) if (t.outcome !== 'failed') lines.push(`  ${t.outcome === 'passed' ? 'ok   ' : 'skip '} test delivery (${t.kind}): ${t.detail}`);
    if (e.status === 'checked' && e.findings.length === 0) lines.push('  ok    matches the endpoint');
  }
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  lines.push(`${report.findings.length} mismatch(es): ${errors} error(s), ${report.findings.length - errors} warning(s).`);
  return lines;
}

export function formatListing(listings: readonly EndpointListing[]): string[] {
  const lines: string[] = [];
  for (const l of listings) {
    if (l.status === 'skipped') {
      lines.push(`${l.endpoint} (${PLATFORM_NAMES[l.platform]}): skipped, ${l.reason ?? ''}`);
      continue;
    }
    lines.push(head(l));
    if (l.status === 'failed') {
      lines.push(`  could not read the platform: ${l.reason ?? ''}`);
      continue;
    }
    if (l.subscriptions.length === 0) lines.push('  (none)');
    for (const s of l.subscriptions) {
      const events = s.events === 'all' ? 'all events' : s.events === 'unknown' ? 'events not shown' : s.events.join(',');
      const settings = Object.entries(s.settings)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      lines.push(`  ${s.ours ? '*' : ' '} ${s.id} ${s.active ? 'active' : 'INACTIVE'} ${s.url} [${events}]${settings ? ` ${settings}` : ''}${s.name ? ` "${s.name}"` : ''}`);
    }
  }
  lines.push('* = this endpoint\'s subscription');
  return lines;
}
