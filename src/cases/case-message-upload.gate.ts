import { CallHandler, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { BoundedUploadGate } from '../applications/attachments/upload';
import { Actor } from '../common/actor';
import { AppConfig } from '../config/app-config';
import { FileStorage, StoredFile } from '../storage/storage.port';
import { CaseMessagesService } from './case-messages.service';
import { Audience } from './cases.queries';

/**
 * Before a message's files are read: the caller may write here (404 otherwise), and the body fits the upload limit.
 * After: a request refused once its files were stored (a body the validation refuses) leaves no file behind.
 */
@Injectable()
abstract class CaseUploadGate extends BoundedUploadGate {
  protected abstract readonly audience: Audience;

  constructor(
    private readonly messages: CaseMessagesService,
    private readonly storage: FileStorage,
    config: AppConfig,
  ) {
    super(config);
  }

  protected override objectOf(req: Request): string {
    return String(req.params.caseNumber);
  }

  protected assertAllowed(actor: Actor, caseNumber: string): Promise<void> {
    return this.messages.assertCanWrite(actor, caseNumber, this.audience);
  }

  override async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<Request & { files?: Array<Partial<StoredFile>> }>();
    return (await super.intercept(ctx, next)).pipe(
      catchError((e) => {
        const keys = (Array.isArray(req.files) ? req.files : []).map((f) => f.key).filter((k): k is string => !!k);
        return keys.length
          ? from(Promise.all(keys.map((k) => this.storage.remove(k)))).pipe(mergeMap(() => throwError(() => e)))
          : throwError(() => e);
      }),
    );
  }
}

@Injectable()
export class MessageUploadGate extends CaseUploadGate {
  protected readonly audience = 'CONSORTIUM';
}

@Injectable()
export class NoteUploadGate extends CaseUploadGate {
  protected readonly audience = 'INTERNAL';
}
