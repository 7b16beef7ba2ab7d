import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../../common/problem';
import { CommonErrors as C } from '../../common/common.errors';

const WINDOW_MS = 60_000;
/** Addresses remembered at most; past it the oldest windows are dropped (a flood of addresses cannot grow memory). */
const MAX_ADDRESSES = 10_000;

/**
 * Rate limit of the public routes: a fixed one-minute window per client address, `PUBLIC_RATE_LIMIT_PER_MINUTE`
 * requests in it, then 429 problem details with Retry-After until the window ends. Counted in memory per API
 * process (unlike sign-in throttling, nothing here is worth a database write per request: these routes only read
 * public data, and a cached answer is cheap), so N processes allow N times the limit. The client address is Express's
 * req.ip (loopback proxies trusted, as for sign-in).
 */
@Injectable()
export class PublicRateLimit implements CanActivate {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const now = Date.now();
    const address = req.ip ?? 'unknown';
    let w = this.windows.get(address);
    if (!w || now - w.start >= WINDOW_MS) {
      this.windows.delete(address);
      if (this.windows.size >= MAX_ADDRESSES) this.windows.delete(this.windows.keys().next().value!);
      w = { start: now, count: 0 };
      this.windows.set(address, w);
    }
    w.count++;
    const limit = this.config.publicRateLimitPerMinute;
    const res = http.getResponse<Response>();
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, limit - w.count)));
    if (w.count <= limit) return true;
    const retryAfter = Math.max(1, Math.ceil((w.start + WINDOW_MS - now) / 1000));
    res.setHeader('Retry-After', String(retryAfter));
    throw new DomainError(
      429,
      C.RATE_LIMITED,
      `Too many requests to the public journal. Try again in ${retryAfter} second(s).`,
      undefined,
      {
        retryAfter,
      },
    );
  }
}
