import { CallHandler, ExecutionContext, Injectable, NestInterceptor, PayloadTooLargeException } from '@nestjs/common';
import type { Request } from 'express';
import { catchError, Observable, throwError } from 'rxjs';
import { fileTooLarge, MULTIPART_OVERHEAD_BYTES } from '../../applications/attachments/upload';
import { Actor } from '../../common/actor';
import { AppConfig } from '../../config/app-config';
import { ReportsService } from './reports.service';

/**
 * Runs before the multipart parser, as the applications' upload gate does: the caller must be allowed to attach to
 * this report now (404/403/409 otherwise), and a body declared far over the limit is refused before it is read.
 */
@Injectable()
export class ReportUploadGate implements NestInterceptor {
  constructor(
    private readonly reports: ReportsService,
    private readonly config: AppConfig,
  ) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<Request & { actor: Actor }>();
    await this.reports.assertCanAttach(req.actor, String(req.params.id));
    const limit = this.config.maxUploadBytes;
    if (Number(req.headers['content-length']) > limit + MULTIPART_OVERHEAD_BYTES) throw fileTooLarge(limit);
    return next.handle().pipe(catchError((e) => throwError(() => (e instanceof PayloadTooLargeException ? fileTooLarge(limit) : e))));
  }
}
