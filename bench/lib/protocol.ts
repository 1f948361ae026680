/** What run.ts (the parent) and server.ts (the child) share. */

/** Every server the bench can start in a child process. */
export const SERVER_KINDS = [
  'express-bare',
  'express',
  'fastify-bare',
  'fastify',
  'node-bare',
  'node-floor',
  'node',
  'fetch-bare',
  'fetch',
  'octokit',
  'express-slow',
] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export function isServerKind(value: string | undefined): value is ServerKind {
  return value !== undefined && (SERVER_KINDS as readonly string[]).includes(value);
}

/** Messages from the child to the parent. */
export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'stats'; dispatched: number; rssMb: number }
  /** The child's own `process.cpuUsage()` (user + system, µs) and dispatch count, asked for with `{ type: 'cpu' }`. */
  | { type: 'cpu'; us: number; dispatched: number };
/** Messages from the parent to the child. */
export type ParentMessage = { type: 'stop' } | { type: 'cpu' };

/** Handlers sleep this long in the `express-slow` server. */
export const SLOW_HANDLER_MS = 10_000;
/** Queue concurrency of the `express-slow` server: handlers pile up instead of waiting in line. */
export const SLOW_CONCURRENCY = 10_000;
