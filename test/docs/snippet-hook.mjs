// Loaded (node --import) into every doc snippet test/docs/snippets.test.ts runs:
// - a server's listen() binds 127.0.0.1 on a free port instead of the port written in the doc, and reports it on
//   file descriptor 3 as one JSON line {"listening":<port>}, so the test can talk to it and nothing clashes;
// - a connection to anything but this machine (or the REDIS_URL host) is refused: snippets reach local servers only.
import { writeSync } from 'node:fs';
import net from 'node:net';

const allowed = new Set(['localhost', '127.0.0.1', '::1', '::ffff:127.0.0.1']);
try {
  if (process.env.REDIS_URL) allowed.add(new URL(process.env.REDIS_URL).hostname.replace(/^\[|\]$/g, ''));
} catch {
  // not a URL: nothing more is allowed
}
const isLocal = (host) => allowed.has(host) || /^127\./.test(host);

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenLocally(...args) {
  const [first] = args;
  const callback = args.find((arg) => typeof arg === 'function');
  let rewritten = args;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first)) || first === undefined || typeof first === 'function') {
    rewritten = [{ port: 0, host: '127.0.0.1' }, ...(callback ? [callback] : [])];
  } else if (typeof first === 'object' && first !== null && ('port' in first || 'host' in first)) {
    rewritten = [{ ...first, port: 0, host: '127.0.0.1' }, ...args.slice(1)];
  }
  this.once('listening', () => {
    const address = this.address();
    if (address !== null && typeof address === 'object') {
      try {
        writeSync(3, `${JSON.stringify({ listening: address.port })}\n`);
      } catch {
        // run outside the test: nobody listens on fd 3
      }
    }
  });
  return listen.apply(this, rewritten);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connectLocally(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (options.path === undefined) {
    const host = options.host ?? 'localhost';
    if (!isLocal(host)) {
      process.nextTick(() => this.destroy(new Error(`doc snippets reach local servers only; refused a connection to ${host}`)));
      return this;
    }
  }
  return connect.apply(this, args);
};
