import http, { type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One server-sent event as it came over the wire. */
export interface SseEvent {
  /** The `id:` field of this frame, or undefined when the frame had none. */
  id: string | undefined;
  event: string;
  data: string;
  /** performance.now() when the frame's closing blank line arrived. */
  at: number;
}

export interface SseStream {
  status: number;
  headers: IncomingHttpHeaders;
  events: SseEvent[];
  /** Comment lines as received, e.g. ": heartbeat". */
  comments: string[];
  /** The whole body of a refused (non-200) response. */
  body: string;
  /** True once the server ended the stream. */
  ended: boolean;
  /** Resolves with the events once `n` have arrived; rejects on timeout or an early end. */
  waitFor(n: number, timeoutMs?: number): Promise<SseEvent[]>;
  close(): void;
}

const open = new Set<SseStream>();

/** Closes every stream opened since the last call, so Jest never waits on a socket. */
export function closeAllStreams(): void {
  for (const s of open) s.close();
  open.clear();
}

/**
 * Opens `url` with node:http (supertest buffers whole bodies, so it cannot follow a stream) and
 * parses text/event-stream frames as they arrive. Resolves once the headers are in for a 200,
 * or once the whole body is in for any other status.
 */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let frame: { id?: string; event?: string; data?: string[] } = {};
    const waiters = new Set<() => void>();
    const notify = () => waiters.forEach((w) => w());

    const onLine = (line: string) => {
      if (line === '') {
        if (frame.data) {
          const { id, event = 'message', data } = frame;
          stream.events.push({ id, event, data: data.join('\n'), at: performance.now() });
        }
        frame = {};
        return;
      }
      if (line.startsWith(':')) return void stream.comments.push(line);
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') (frame.data ??= []).push(value);
      else if (field === 'id' || field === 'event') frame[field] = value;
    };

    const req = http.get(url, { headers, agent: false }, (res) => {
      stream.status = res.statusCode ?? 0;
      stream.headers = res.headers;
      res.setEncoding('utf8');
      res.on('end', () => {
        stream.ended = true;
        notify();
        if (stream.status !== 200) resolve(stream);
      });
      res.on('error', () => undefined);
      if (stream.status !== 200) {
        res.on('data', (chunk: string) => (stream.body += chunk));
        return;
      }
      res.on('data', (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split(/\r\n|\r|\n/);
        buffer = lines.pop()!;
        lines.forEach(onLine);
        notify();
      });
      resolve(stream);
    });
    req.on('error', (err) => (stream.status ? undefined : reject(err)));

    const stream: SseStream = {
      status: 0,
      headers: {},
      events: [],
      comments: [],
      body: '',
      ended: false,
      waitFor: (n, timeoutMs = 3000) =>
        new Promise((done, fail) => {
          const check = () => {
            if (stream.events.length >= n) finish(() => done(stream.events));
            else if (stream.ended) finish(() => fail(new Error(summary('ended'))));
          };
          const summary = (why: string) =>
            `${url}: ${why} with ${stream.events.length} of ${n} events: ` +
            JSON.stringify(stream.events.map((e) => `${e.id} ${e.event}`));
          const timer = setTimeout(
            () => finish(() => fail(new Error(summary('timed out')))),
            timeoutMs,
          );
          const finish = (then: () => void) => {
            clearTimeout(timer);
            waiters.delete(check);
            then();
          };
          waiters.add(check);
          check();
        }),
      close: () => {
        req.destroy();
        open.delete(stream);
      },
    };
    open.add(stream);
  });
}

/** An event's fields as values: numeric id, type, and the parsed JSON data. */
export const parsed = (e: SseEvent) => ({
  id: Number(e.id),
  event: e.event,
  data: JSON.parse(e.data) as unknown,
});

/** Polls until `check()` holds; fails after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
