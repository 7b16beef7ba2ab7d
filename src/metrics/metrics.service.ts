import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { sealedHead, unsealedCount } from '../audit/audit.queries';
import { QueuePort } from '../queue/queue.port';
import { notificationCounts } from './metrics.queries';

const OUTBOX_BACKLOG = ['pending', 'queued', 'rendered', 'sending', 'digest'];

/**
 * Prometheus metrics (prom-client), in a registry of this app's own (not the library's global one, so that two apps in
 * one process, as in the tests, do not share series): request rate and latency per route, the process's defaults
 * (memory, CPU, event loop), and at each scrape the queue depths, the outbox backlog, failed notifications and the
 * audit chain's head and unsealed backlog.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: QueuePort,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'hto_' });
    this.requests = new Counter({
      name: 'hto_http_requests_total',
      help: 'HTTP requests answered, by route (the pattern, not the path), method and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'hto_http_request_duration_seconds',
      help: 'Time from request to response sent, by route and method',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const queuePort = this.queue;
    new Gauge({
      name: 'hto_queue_jobs',
      help: 'Jobs per queue and state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const d of await queuePort.depths().catch(() => []))
          for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) this.set({ queue: d.queue, state }, d[state]);
      },
    });
    const counts = () => notificationCounts(this.dataSource.manager);
    new Gauge({
      name: 'hto_outbox_backlog',
      help: 'Notifications recorded but not yet sent (pending, queued, rendered, sending, waiting for a digest), by status',
      labelNames: ['status'],
      registers,
      async collect() {
        const rows = await counts();
        for (const s of OUTBOX_BACKLOG) this.set({ status: s }, rows.find((r) => r.status === s)?.n ?? 0);
      },
    });
    new Gauge({
      name: 'hto_notifications_failed',
      help: 'Notifications that failed for good (every attempt used); an operator retries them',
      registers,
      async collect() {
        this.set((await counts()).find((r) => r.status === 'failed')?.n ?? 0);
      },
    });
    const m = this.dataSource.manager;
    new Gauge({
      name: 'hto_audit_chain_head_seq',
      help: 'Sequence number of the newest audit entry sealed into the hash chain',
      registers,
      async collect() {
        this.set(Number((await sealedHead(m))?.seq ?? 0));
      },
    });
    new Gauge({
      name: 'hto_audit_unsealed',
      help: 'Audit entries written but not yet sealed into the chain (the sealer’s backlog)',
      registers,
      async collect() {
        this.set(await unsealedCount(m));
      },
    });
  }

  /** Express middleware: counts and times every request once its response is sent, under its route's pattern. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const end = this.latency.startTimer();
      res.once('finish', () => {
        // the matched pattern (/api/v1/applications/:id), never the raw path: ids would make one series per object
        const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
        end({ method: req.method, route });
        this.requests.inc({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
