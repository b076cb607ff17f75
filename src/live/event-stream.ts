import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LiveEventBus } from './live-event-bus';
import type { LiveEventsRepository } from './live-events.repository';
import type { LiveEvent, StreamScope } from './live-events';

export interface StreamOptions {
  heartbeatMs: number;
  /** A client that stops reading is cut off past this many buffered bytes; it can resume. */
  maxBufferedBytes: number;
}

const REPLAY_PAGE = 500;

const frame = (e: LiveEvent) =>
  `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.payload)}\n\n`;

/**
 * Serves one server-sent-events stream. With a Last-Event-ID it first replays, from the
 * database, every event after that id; live events that arrive meanwhile are held and sent
 * after, skipping any already replayed, so the client sees no gap and no duplicate.
 */
export async function serveEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  scope: StreamScope,
  lastEventId: number | null,
  deps: { bus: LiveEventBus; reader: LiveEventsRepository; options: StreamOptions },
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  // The reply is hijacked: headers set on it so far (security headers, CORS, the request id)
  // are written here, or the stream would go out without them.
  res.writeHead(200, {
    ...(reply.getHeaders() as OutgoingHttpHeaders),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');

  let lastSent = lastEventId ?? 0;
  let replaying = lastEventId !== null;
  const held: LiveEvent[] = [];
  let open = true;

  const close = () => {
    if (!open) return;
    open = false;
    unsubscribe();
    clearInterval(heartbeat);
    res.end();
  };
  const send = (e: LiveEvent) => {
    if (!open || e.id <= lastSent) return;
    lastSent = e.id;
    res.write(frame(e));
    if (res.writableLength > deps.options.maxBufferedBytes) close();
  };
  const unsubscribe = deps.bus.subscribe({
    scope,
    deliver: (e) => (replaying ? held.push(e) : send(e)),
    interrupt: close,
  });
  const heartbeat = setInterval(
    () => open && res.write(': heartbeat\n\n'),
    deps.options.heartbeatMs,
  );
  heartbeat.unref();
  request.raw.on('close', close);
  res.on('error', close);

  try {
    while (replaying && open) {
      const page = await deps.reader.after(scope, lastSent, REPLAY_PAGE);
      page.forEach(send);
      if (page.length < REPLAY_PAGE) replaying = false;
    }
  } catch {
    // Tell the client why, and to wait before resuming from the same Last-Event-ID.
    if (open) {
      res.write(
        'retry: 5000\nevent: stream.error\ndata: {"message":"Could not replay missed events; reconnect."}\n\n',
      );
    }
    close();
    return;
  }
  held.splice(0).forEach(send);
}
