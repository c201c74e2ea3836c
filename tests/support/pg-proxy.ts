import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay between the platform and a real PostgreSQL, so a test can play the network or a
 * failover: cut every connection, refuse new ones (an outage), or cut a connection at a chosen
 * statement, before it reaches the server or just after the server has run it (its answer lost).
 */
export interface PgProxy {
  /** The database URL with host and port of the relay. */
  url: string;
  /** Cut every open connection (a failover or a network drop); new connections still work. */
  dropAll(): void;
  /** While down, new connections are accepted and closed at once (the database is gone). */
  setDown(down: boolean): void;
  /**
   * The next statement whose text contains `pattern` (case-insensitive) cuts its connection:
   * 'before' the server sees it, or 'after' the server ran it but before its answer arrives.
   * With `thenDown`, the database then stays unreachable until setDown(false); with `afterSeeing`,
   * only on a connection that has already sent a statement containing that text.
   */
  cutAt(pattern: string, when: 'before' | 'after', options?: { thenDown?: boolean; afterSeeing?: string }): Promise<void>;
  close(): Promise<void>;
}

export async function startPgProxy(databaseUrl: string): Promise<PgProxy> {
  const target = new URL(databaseUrl);
  const pairs = new Set<{ client: Socket; server: Socket }>();
  let down = false;
  let trap: { pattern: string; when: 'before' | 'after'; thenDown: boolean; afterSeeing: string | undefined; sprung: () => void } | undefined;

  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = connectTo(target);
    const pair = { client, server: upstream };
    pairs.add(pair);
    let answerLost = false;
    let seen = '';
    const cut = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('data', (data: Buffer) => {
      const armed = trap;
      const text = data.toString('latin1').toLowerCase();
      if (armed?.afterSeeing && text.includes(armed.afterSeeing)) seen = armed.afterSeeing;
      if (armed && text.includes(armed.pattern) && (!armed.afterSeeing || seen === armed.afterSeeing)) {
        trap = undefined;
        if (armed.thenDown) {
          // An outage: every other connection goes too, and no new one is let through.
          down = true;
          for (const other of [...pairs].filter((p) => p !== pair)) {
            other.client.destroy();
            other.server.destroy();
            pairs.delete(other);
          }
        }
        armed.sprung();
        if (armed.when === 'before') return cut();
        answerLost = true;
      }
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => {
      if (answerLost) return cut();
      client.write(data);
    });
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  const dropAll = () => {
    for (const { client, server: upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    url: url.toString(),
    dropAll,
    setDown: (value) => {
      down = value;
      if (value) dropAll();
    },
    cutAt: (pattern, when, options = {}) =>
      new Promise<void>((sprung) => {
        trap = { pattern: pattern.toLowerCase(), when, thenDown: options.thenDown ?? false, afterSeeing: options.afterSeeing?.toLowerCase(), sprung };
      }),
    close: async () => {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function connectTo(target: URL): Socket {
  return createConnection({ host: target.hostname, port: Number(target.port || 5432) });
}
