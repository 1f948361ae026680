import { Option, type Command } from 'commander';
import { formatApply, formatPlan, isSubscriptionError, subscriptions, type Plan, type SubscriptionManager } from '@countersign/subscriptions';
import { setupFromEnv } from '../../env.js';
import { CliError, EXIT, type ExitCode } from '../../exit-codes.js';
import type { CliIo } from '../../io.js';

/** What every command shares: where it reads and writes, and the exit code its action sets. */
export interface CommandContext {
  io: CliIo;
  exitCode: ExitCode;
}

export interface SelectionOptions {
  endpoint: string[];
  json?: boolean;
  verbose?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

/** `--endpoint`, `--json`, `--verbose`. */
export function withSelection(command: Command): Command {
  return command
    .addOption(
      new Option('-e, --endpoint <name>', 'only this endpoint (repeat it or separate names with commas)').argParser(collect).default([], 'every configured endpoint'),
    )
    .option('--json', 'print the result as JSON')
    .option('--verbose', 'log every API call (method, path, status; never a credential) to stderr');
}

export interface Selected {
  manager: SubscriptionManager;
  /** The endpoints to act on (undefined: all). */
  endpoints: string[] | undefined;
  /** Endpoint -> why it is skipped, in the environment's words. */
  skipped: ReadonlyMap<string, string>;
}

/** The manager for the environment, and the endpoints selected. */
export function select(context: CommandContext, options: SelectionOptions): Selected {
  const { setup, skipped } = setupFromEnv(context.io.env, { verbose: options.verbose === true });
  const configured = Object.keys(setup.endpoints);
  const unknown = options.endpoint.filter((e) => !configured.includes(e));
  if (unknown.length > 0) throw new CliError(EXIT.USAGE, `unknown endpoint ${unknown.join(', ')}: the environment configures ${configured.join(', ')}.`);
  let manager: SubscriptionManager;
  try {
    manager = subscriptions(setup);
  } catch (error) {
    if (isSubscriptionError(error)) throw new CliError(EXIT.CONFIG, error.message);
    throw error;
  }
  return { manager, endpoints: options.endpoint.length > 0 ? options.endpoint : undefined, skipped };
}

/** Put the environment's reason on skipped entries (which variables to set). */
export function explainSkipped<T extends { endpoint: string; status: string; reason?: string | undefined }>(entries: T[], skipped: ReadonlyMap<string, string>): T[] {
  for (const entry of entries) {
    const reason = skipped.get(entry.endpoint);
    if (entry.status === 'skipped' && reason !== undefined) entry.reason = reason.replace(/^skipped: /, '');
  }
  return entries;
}

export function print(context: CommandContext, options: SelectionOptions, json: unknown, lines: string[]): void {
  if (options.json === true) context.io.out(JSON.stringify(json, null, 2));
  else for (const line of lines) context.io.out(line);
}

/** Ask before changing anything, unless `--yes`; never ask where nobody can answer. */
export async function confirm(context: CommandContext, question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes === true) return true;
  if (!context.io.interactive) {
    throw new CliError(EXIT.USAGE, 'refusing to change anything without confirmation: stdin is not a terminal, so nobody can answer. Run again with --yes.');
  }
  const answer = (await context.io.ask(`${question} [y/N] `)).trim().toLowerCase();
  if (answer === 'y' || answer === 'yes') return true;
  context.io.err('Cancelled: nothing was changed.');
  context.exitCode = EXIT.CANCELLED;
  return false;
}

/** Show a plan, ask, carry it out: what `apply` and `remove` share. */
export async function carryOut(context: CommandContext, options: SelectionOptions & { yes?: boolean }, selected: Selected, plan: Plan, words: { question: string; nothing: string }): Promise<void> {
  explainSkipped(plan.endpoints, selected.skipped);
  const readFailed = plan.endpoints.some((e) => e.status === 'failed');
  if (readFailed) context.exitCode = EXIT.PLATFORM;
  if (options.json !== true) for (const line of formatPlan(plan)) context.io.out(line);
  if (plan.changes === 0) {
    if (options.json === true) print(context, options, { plan, applied: null }, []);
    else context.io.out(words.nothing);
    return;
  }
  if (!(await confirm(context, words.question.replace('%d', String(plan.changes)), options.yes))) return;
  const result = await selected.manager.apply(plan);
  print(context, options, { plan, applied: result }, formatApply(result));
  if (result.failed > 0) context.exitCode = EXIT.PLATFORM;
}
