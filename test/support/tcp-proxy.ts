import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A TCP proxy in front of PostgreSQL whose network can go silent. */
export interface TcpProxy {
  port: number;
  /**
   * Packets stop: nothing is forwarded in either direction, yet no connection closes, and new
   * connections are accepted but get no answer. What was sent meanwhile waits, as TCP
   * retransmissions would, and arrives after resume().
   */
  silence(): void;
  resume(): void;
  /**
   * Forwards the next COMMIT a client sends, then holds back everything the server answers on
   * that connection: the transaction commits, and its client never hears so. Resolves when the
   * trap has sprung.
   */
  swallowNextCommitReply(): Promise<void>;
  close(): Promise<void>;
}

/** A simple-protocol Query message carrying `COMMIT`, as pg sends it for TypeORM. */
const COMMIT_MESSAGE = (() => {
  const text = Buffer.from('COMMIT\0');
  const length = Buffer.alloc(4);
  length.writeInt32BE(4 + text.length);
  return Buffer.concat([Buffer.from('Q'), length, text]);
})();

interface Link {
  client: Socket;
  server: Socket | null;
  /** The server's answers on this link are held back for good (a swallowed COMMIT reply). */
  deaf: boolean;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const links = new Set<Link>();
  let silent = false;
  let commitTrap: (() => void) | null = null;

  const openUpstream = (link: Link) => {
    const server = connect(target.port, target.host);
    link.server = server;
    server.on('data', (chunk) => link.client.write(chunk));
    server.on('error', () => link.client.destroy());
    server.on('close', () => link.client.destroy());
    link.client.on('data', (chunk) => {
      server.write(chunk);
      if (commitTrap && chunk.includes(COMMIT_MESSAGE)) {
        link.deaf = true;
        server.pause();
        commitTrap();
        commitTrap = null;
      }
    });
    if (silent) server.pause();
  };

  const proxy = createServer((client) => {
    const link: Link = { client, server: null, deaf: false };
    links.add(link);
    client.on('error', () => undefined);
    client.on('close', () => {
      link.server?.destroy();
      links.delete(link);
    });
    if (silent) client.pause();
    else openUpstream(link);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));

  return {
    port: (proxy.address() as AddressInfo).port,
    silence: () => {
      silent = true;
      for (const { client, server } of links) {
        client.pause();
        server?.pause();
      }
    },
    resume: () => {
      silent = false;
      for (const link of links) {
        if (!link.server) openUpstream(link);
        link.client.resume();
        if (!link.deaf) link.server!.resume();
      }
    },
    swallowNextCommitReply: () => new Promise<void>((resolve) => (commitTrap = resolve)),
    close: async () => {
      for (const { client, server } of links) {
        client.destroy();
        server?.destroy();
      }
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
