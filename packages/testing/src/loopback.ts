import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in server listening on 127.0.0.1: its base URL, and `close()`, which also drops kept-alive connections. */
export interface LoopbackServer {
  url: string;
  close(): Promise<void>;
}

/** Listen on a free port of 127.0.0.1 (the stand-ins for the platforms' APIs are never reachable from elsewhere). */
export async function listenOnLoopback(server: Server): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
