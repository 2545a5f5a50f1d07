// A TCP proxy in front of a redis-server, for faults a process signal cannot make: a connection
// that drops after Redis has run a command but before its reply reached the client.
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';

export interface RedisProxy {
  url: string;
  /**
   * The next command sent through the proxy whose bytes contain `marker` goes to Redis, its
   * reply (and anything else Redis sends on that connection) is dropped, and the connection is
   * closed `afterMs` later. Resolves when it has happened.
   */
  cutAfter(marker: string, afterMs?: number): Promise<void>;
  /** Closes every connection through the proxy. */
  dropAll(): void;
  /** While true, new connections are closed as they come (Redis unreachable for new ones). */
  refusing: boolean;
  close(): Promise<void>;
}

export async function startProxy(port: number): Promise<RedisProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let armed: { marker: string; afterMs: number; done: () => void } | undefined;
  const proxy = { refusing: false } as RedisProxy;
  const server: Server = createServer((client) => {
    if (proxy.refusing) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(port, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    let mute = false;
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => {
      upstream.write(chunk);
      const cut = armed;
      if (cut && chunk.includes(cut.marker)) {
        armed = undefined;
        mute = true;
        setTimeout(() => {
          end();
          cut.done();
        }, cut.afterMs);
      }
    });
    upstream.on('data', (chunk) => {
      if (!mute) client.write(chunk);
    });
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy: no port');
  return Object.assign(proxy, {
    url: `redis://127.0.0.1:${address.port}`,
    cutAfter(marker: string, afterMs = 200): Promise<void> {
      return new Promise<void>((done) => (armed = { marker, afterMs, done }));
    },
    dropAll() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    async close() {
      proxy.dropAll();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}
