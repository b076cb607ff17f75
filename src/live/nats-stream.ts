import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { EnvironmentVariables } from '../config/env.validation';
import type { LiveEvent } from './live-events';

/** How long the stream keeps events: enough to bridge a relay or consumer restart. */
const KEEP_HOURS = 24;
/** A relay that publishes an event again within this window is ignored (Nats-Msg-Id). */
const DUPLICATE_WINDOW_MINUTES = 10;

/**
 * This instance's connection to NATS JetStream (EVENTS_TRANSPORT=nats), and the stream of live
 * events: one subject, file storage, each event published under its position as Nats-Msg-Id so
 * that a republish is stored once. The connection reconnects by itself, without end; `status`
 * tells the feed when it drops and comes back.
 */
@Injectable()
export class NatsStream implements OnModuleDestroy {
  private readonly logger = new Logger('NatsStream');
  private readonly servers: string[];
  readonly name: string;
  readonly subject: string;
  private connection: Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }>;
  private closed = false;

  constructor(config: ConfigService<EnvironmentVariables, true>) {
    this.servers = config.get('NATS_URL', { infer: true }).split(',');
    this.name = config.get('NATS_STREAM', { infer: true });
    this.subject = `${this.name}.events`;
    this.connection = this.open();
    // Reported here; each user of the connection meets the failure again when it awaits it.
    this.connection.catch((err: unknown) =>
      this.logger.error({ err }, 'Could not set up the NATS JetStream stream'),
    );
  }

  private async open() {
    const nc = await connect({
      servers: this.servers,
      name: 'echo-live-events',
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    const jsm = await jetstreamManager(nc);
    const config = {
      subjects: [this.subject],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos(KEEP_HOURS * 3_600_000),
      duplicate_window: nanos(DUPLICATE_WINDOW_MINUTES * 60_000),
    };
    try {
      await jsm.streams.info(this.name);
      await jsm.streams.update(this.name, config);
    } catch {
      await jsm.streams.add({ name: this.name, ...config });
    }
    return { nc, js: jetstream(nc), jsm };
  }

  /** The connection, once made (a first connection waits for NATS to be there). */
  connected() {
    return this.connection;
  }

  /** Publishes events in position order; resolves when JetStream has stored them all. */
  async publish(events: LiveEvent[]): Promise<void> {
    const { js } = await this.connection;
    // Sent in order on one connection, so stored in order; the acks are awaited together.
    await Promise.all(
      events.map((e) => js.publish(this.subject, JSON.stringify(e), { msgID: String(e.id) })),
    );
  }

  /** The position of the last event in the stream, or null when the stream is empty. */
  async lastPublished(): Promise<number | null> {
    const { jsm } = await this.connection;
    const last = await jsm.streams
      .getMessage(this.name, { last_by_subj: this.subject })
      .catch(() => null);
    return last ? (last.json<LiveEvent>().id ?? null) : null;
  }

  /**
   * Follows the events published from now on, in order, with an ordered consumer (which
   * re-creates itself after a reconnect and goes on from the last message it had).
   */
  async follow(onEvent: (event: LiveEvent) => void): Promise<void> {
    const { js } = await this.connection;
    const consumer = await js.consumers.get(this.name, { deliver_policy: DeliverPolicy.New });
    const messages = await consumer.consume();
    void (async () => {
      for await (const m of messages) onEvent(m.json<LiveEvent>());
    })().catch((err: unknown) => {
      if (!this.closed) this.logger.warn({ err }, 'NATS consumer ended');
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    // A first connection still waiting for NATS is closed when it comes, not waited for.
    void this.connection.then(({ nc }) => nc.close()).catch(() => undefined);
    await Promise.race([
      this.connection.then(({ nc }) => nc.closed()).catch(() => undefined),
      new Promise((r) => setTimeout(r, 2_000).unref()),
    ]);
  }
}
