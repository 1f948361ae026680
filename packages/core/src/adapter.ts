import { CountersignError } from './errors.js';

/**
 * The routing options every adapter takes (`@countersign/express`, `/fastify`, `/node`, `/fetch`), with the same
 * names and meaning. The endpoint name is matched literally (never URL-decoded), as one path segment.
 */
export interface AdapterOptions {
  /**
   * Where endpoints are served: `<prefix>/<name>`; requests outside it are not the adapter's (a coded 404
   * `ENDPOINT_NOT_FOUND`, or `next()` for middleware). Default: where the host mounted the adapter (Express's mount
   * path or `:endpoint` route, Fastify's register `prefix`, a Fetch framework's route: the last path segment), and
   * `/webhooks` for the Node listener, which nothing mounts.
   */
  prefix?: string | undefined;
  /**
   * One endpoint for every request the adapter serves (the route names it, e.g. a Next.js
   * `app/api/adobe/route.ts`): its name is then not read from the path. With `prefix`, `<prefix>` itself and the
   * paths below it are served.
   */
  endpoint?: string | undefined;
}

const lastSegment = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The outside-the-prefix refusal, the same in every adapter. */
export function notUnderPrefix(path: string, prefix: string): CountersignError {
  return new CountersignError('ENDPOINT_NOT_FOUND', `No webhook endpoint is served at ${path.slice(0, 100)}; endpoints live under ${prefix}/<name>.`);
}

/**
 * How an adapter finds the endpoint of a request path (the URL's path as sent, without the query), from the shared
 * options: a function answering the endpoint (for the receiver's `handle`, which matches `/<name>` or `<name>`
 * literally), or `undefined` when the path is outside `prefix`. Without a prefix, `fromHost(path)` decides: by
 * default the last path segment (the host's route matched the rest). `CONFIG_INVALID` for a malformed option.
 */
export function adapterRoute(owner: string, options: AdapterOptions, fromHost: (path: string) => string = lastSegment): (path: string) => string | undefined {
  const { endpoint } = options;
  if (endpoint !== undefined && (typeof endpoint !== 'string' || !/^\/?[\w.~-]+$/.test(endpoint))) {
    throw new CountersignError('CONFIG_INVALID', `${owner}: \`endpoint\` must be an endpoint name, one URL path segment (got ${JSON.stringify(endpoint) ?? String(endpoint)}).`);
  }
  if (options.prefix !== undefined && (typeof options.prefix !== 'string' || (options.prefix !== '' && !options.prefix.startsWith('/')))) {
    throw new CountersignError('CONFIG_INVALID', `${owner}: \`prefix\` must be a path starting with "/" (got ${JSON.stringify(options.prefix) ?? String(options.prefix)}).`);
  }
  const prefix = options.prefix?.replace(/\/+$/, '');
  if (prefix === undefined) return endpoint === undefined ? fromHost : () => endpoint;
  const below = `${prefix}/`;
  if (endpoint === undefined) return (path) => (path.startsWith(below) ? path.slice(prefix.length) : undefined);
  return (path) => (path === prefix || path.startsWith(below) ? endpoint : undefined);
}
