import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor, PayloadTooLargeException } from '@nestjs/common';
import type { Request } from 'express';
import type { StorageEngine } from 'multer';
import { catchError, Observable, throwError } from 'rxjs';
import { DomainError } from '../../common/problem';
import { AppConfig } from '../../config/app-config';
import { ApplicationErrors as E } from '../applications.errors';
import { AttachmentsService } from './attachments.service';
import { FileStorage, StoredFile } from '../../storage/storage.port';
import { Actor } from '../../common/actor';

/** A multer storage engine over the storage port: the file streams to storage and is never buffered whole. */
export class StreamingStorageEngine implements StorageEngine {
  constructor(private readonly storage: FileStorage) {}

  _handleFile(_req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    this.storage.write(file.stream).then(
      (stored) => cb(null, stored as unknown as Partial<Express.Multer.File>),
      (e) => cb(e),
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    const key = (file as unknown as Partial<StoredFile>).key;
    if (!key) return cb(null);
    this.storage.remove(key).then(
      () => cb(null),
      (e: Error) => cb(e),
    );
  }
}

/** Multipart framing and the description field around the file: more than this over the limit cannot be a file within it. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export function fileTooLarge(limit: number): DomainError {
  const message = `the file is larger than the upload limit of ${limit} bytes`;
  return new DomainError(413, E.FILE_TOO_LARGE, `The file is too large: ${message}.`, [{ field: 'file', code: E.FILE_TOO_LARGE, message }]);
}

/**
 * Runs before the multipart parser: the caller must be allowed to upload to the object `:id` (assertAllowed: 404/403/409
 * otherwise), and a body whose declared length is far over the limit is refused before a byte of it is read. A body
 * without a length (chunked) is cut off by the parser's fileSize limit instead; both end as 413 with the same problem.
 * Each upload route names its own check (an application's attachment, a grant's signed acceptance).
 */
export abstract class BoundedUploadGate implements NestInterceptor {
  private readonly logger = new Logger('Uploads');

  constructor(private readonly config: AppConfig) {}

  /** Before a byte of the body is read: may the actor upload to this object? */
  protected abstract assertAllowed(actor: Actor, id: string): Promise<void>;

  /** The object uploaded to, from the path: `:id`, unless the route names it otherwise (a case by its number). */
  protected objectOf(req: Request): string {
    return String(req.params.id);
  }

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<Request & { actor: Actor }>();
    await this.assertAllowed(req.actor, this.objectOf(req));
    const limit = this.config.maxUploadBytes;
    if (Number(req.headers['content-length']) > limit + MULTIPART_OVERHEAD_BYTES) throw fileTooLarge(limit);
    return next.handle().pipe(
      catchError((e) => {
        if (e instanceof PayloadTooLargeException) return throwError(() => fileTooLarge(limit));
        // the client went away mid-body: the parser has removed what was stored; its fault, so not a server error
        if (clientAborted(req)) {
          this.logger.warn(
            { code: E.UPLOAD_ABORTED, objectId: this.objectOf(req), requestId: (req as { id?: string }).id },
            'client aborted the upload',
          );
          return throwError(
            () => new DomainError(400, E.UPLOAD_ABORTED, 'The upload was aborted before the whole file arrived; nothing was stored.'),
          );
        }
        return throwError(() => e);
      }),
    );
  }
}

/** The gate of an application's attachments: the caller may attach to it, and its quota has room left. */
@Injectable()
export class UploadGate extends BoundedUploadGate {
  constructor(
    private readonly attachments: AttachmentsService,
    config: AppConfig,
  ) {
    super(config);
  }

  protected assertAllowed(actor: Actor, applicationId: string): Promise<void> {
    return this.attachments.assertCanAttach(actor, applicationId);
  }
}

/** Whether the request body was cut off by the client: the socket closed before the body ended. */
function clientAborted(req: Request): boolean {
  return !req.readableEnded && (req.destroyed || req.socket?.destroyed === true);
}
