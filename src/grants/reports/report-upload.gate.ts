import { CallHandler, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { BoundedUploadGate } from '../../applications/attachments/upload';
import { Actor } from '../../common/actor';
import { AppConfig } from '../../config/app-config';
import { FileStorage, StoredFile } from '../../storage/storage.port';
import { ReportsService } from './reports.service';

/**
 * Before a report's attachment is read: the caller may attach to this report now (404/403/409 otherwise), and the body
 * fits. After: a request refused once the file was stored (a description the validation refuses) leaves no file
 * behind, as the signed-acceptance gate does.
 */
@Injectable()
export class ReportUploadGate extends BoundedUploadGate {
  constructor(
    private readonly reports: ReportsService,
    private readonly storage: FileStorage,
    config: AppConfig,
  ) {
    super(config);
  }

  protected assertAllowed(actor: Actor, reportId: string): Promise<void> {
    return this.reports.assertCanAttach(actor, reportId);
  }

  override async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<Request & { file?: Partial<StoredFile> }>();
    return (await super.intercept(ctx, next)).pipe(
      catchError((e) => {
        const key = req.file?.key;
        return key ? from(this.storage.remove(key)).pipe(mergeMap(() => throwError(() => e))) : throwError(() => e);
      }),
    );
  }
}
