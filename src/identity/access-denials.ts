import { CallHandler, ExecutionContext, HttpException, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { CommonErrors } from '../common/common.errors';

/**
 * Audits refused access. The refused request's own transaction (if any) rolls back, so the record gets a
 * transaction of its own.
 */
@Injectable()
export class AccessDenials {
  private readonly logger = new Logger('AccessDenials');

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async record(req: Request & { actor?: Actor }, denial: { code: string; permission?: string }): Promise<void> {
    const route = `${req.method} ${req.route?.path ?? req.path}`;
    try {
      await this.dataSource.transaction((m) =>
        this.audit.record(m, {
          action: 'access.denied',
          entityType: 'route',
          entityId: route,
          before: null,
          after: { path: req.path, code: denial.code, ...(denial.permission ? { permission: denial.permission } : {}) },
          actor: req.actor ?? null,
        }),
      );
    } catch (e) {
      // the caller is refused either way; a missing audit row must not turn a 403 into a 500
      this.logger.error({ err: e, route }, 'could not audit an access denial');
    }
  }
}

/** Audits 403s that services raise for a particular object (the guard audits its own refusals). */
@Injectable()
export class AccessDenialInterceptor implements NestInterceptor {
  constructor(private readonly denials: AccessDenials) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        if (!(e instanceof HttpException) || e.getStatus() !== 403) return throwError(() => e);
        const code = (e as { code?: string }).code ?? CommonErrors.FORBIDDEN;
        return from(this.denials.record(ctx.switchToHttp().getRequest(), { code })).pipe(mergeMap(() => throwError(() => e)));
      }),
    );
  }
}
