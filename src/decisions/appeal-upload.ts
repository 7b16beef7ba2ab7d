import { CallHandler, ExecutionContext, Injectable, NestInterceptor, PayloadTooLargeException } from '@nestjs/common';
import type { Request } from 'express';
import { catchError, Observable, throwError } from 'rxjs';
import { fileTooLarge, MULTIPART_OVERHEAD_BYTES } from '../applications/attachments/upload';
import { Actor } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { AppealsService } from './appeals.service';

/**
 * Runs before the multipart parser, as the applications' UploadGate does: the caller must be allowed to add documents
 * to this appeal (404/403/409 otherwise), and a body declared far over the limit is refused before it is read.
 */
@Injectable()
export class AppealUploadGate implements NestInterceptor {
  constructor(
    private readonly appeals: AppealsService,
    private readonly config: AppConfig,
  ) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<Request & { actor: Actor }>();
    await this.appeals.assertCanAttach(req.actor, String(req.params.id));
    const limit = this.config.maxUploadBytes;
    if (Number(req.headers['content-length']) > limit + MULTIPART_OVERHEAD_BYTES) throw fileTooLarge(limit);
    return next.handle().pipe(catchError((e) => throwError(() => (e instanceof PayloadTooLargeException ? fileTooLarge(limit) : e))));
  }
}
