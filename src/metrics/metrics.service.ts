import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { LiveEventBus } from '../live/live-event-bus';
import { MetricsRepository } from './metrics.repository';
import { ReplicaReads } from '../database/replica-reads';

/** Prometheus metrics of this instance (GET /metrics when METRICS_ENABLED=true). */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  private readonly duration = new Histogram({
    name: 'echo_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    database: MetricsRepository,
    bus: LiveEventBus,
    replicas: ReplicaReads,
  ) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'echo_db_pool_connections_in_use',
      help: 'Database connections checked out of the pool.',
      registers: [this.registry],
      collect() {
        this.set(database.poolUsage().inUse);
      },
    });
    new Gauge({
      name: 'echo_db_pool_waiting_requests',
      help: 'Requests waiting for a database connection.',
      registers: [this.registry],
      collect() {
        this.set(database.poolUsage().waiting);
      },
    });
    new Gauge({
      name: 'echo_db_replica_reads',
      help: 'Reads served by a read replica (DATABASE_REPLICA_URLS) since the start.',
      registers: [this.registry],
      collect() {
        this.set(replicas.servedByReplicas());
      },
    });
    new Gauge({
      name: 'echo_db_replicas_in_recovery',
      help: '1 when every read replica answers pg_is_in_recovery() true (a standby), 0 when one does not, -1 without replicas.',
      registers: [this.registry],
      async collect() {
        const standby = await replicas.replicasInRecovery().catch(() => false);
        this.set(standby === null ? -1 : standby ? 1 : 0);
      },
    });
    new Gauge({
      name: 'echo_event_streams_open',
      help: 'Server-sent event streams open on this instance.',
      registers: [this.registry],
      collect() {
        this.set(bus.subscriberCount());
      },
    });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (request, reply) => {
      // The route pattern, not the URL, so /orders/1 and /orders/2 share one series.
      const route = request.routeOptions.url ?? 'unmatched';
      this.duration.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  }
}
