import { CallHandler, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { BoundedUploadGate } from '../applications/attachments/upload';
import { Actor } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { FileStorage, StoredFile } from '../storage/storage.port';
import { GrantAcceptanceService } from './grant-acceptance.service';

/**
 * Before the signed acceptance is read: the caller is an officer who may manage this grant (404 otherwise), and the
 * body fits. After: a request refused once the document was stored leaves no file behind. Nest removes a file whose
 * request a pipe refused (a field the validation refuses) only once the response has closed; this removes it before
 * the answer, so the caller never sees a refusal while the file is still there.
 */
@Injectable()
export class SignedAcceptanceGate extends BoundedUploadGate {
  constructor(
    private readonly acceptance: GrantAcceptanceService,
    private readonly storage: FileStorage,
    config: AppConfig,
  ) {
    super(config);
  }

  protected assertAllowed(actor: Actor, grantId: string): Promise<void> {
    return this.acceptance.assertCanRecordSigned(actor, grantId);
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
