import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { CONSTRAINT_PROBLEMS, ConstraintProblems, DomainError, FieldProblem, ProblemDetails, titleFor } from './problem';
import { CommonErrors as C } from './common.errors';

// SQLSTATE data exceptions caused by the value itself: bad text representation, out of range, bad date/time, too long, bad characters
const MALFORMED_VALUE = new Set(['22P02', '22003', '22007', '22008', '22001', '22021', '22P05', '22025']);

// Node's socket errors when the database's address refuses, resets or drops a connection
const CONNECTION_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// SQLSTATE: connection exceptions (class 08), the server shutting down or starting up, no connection slot left
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
// node-postgres' own words for a connection that went away or never came
const CONNECTION_LOST =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|terminating connection|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * Whether an error says the database cannot be reached now (restarting, connection lost, pool cannot connect), not
 * that the request was wrong or the code broken: the answer is then 503, and the client may try again.
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  // TypeORM releases a query runner whose connection failed; the transaction's next query then finds it released
  if (e instanceof QueryRunnerAlreadyReleasedError || e instanceof QueryRunnerProviderAlreadyReleasedError) return true;
  for (let err: unknown = e, depth = 0; err && typeof err === 'object' && depth < 4; depth++) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (CONNECTION_ERRNO.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (typeof message === 'string' && CONNECTION_LOST.test(message)) return true;
    const next = err as { driverError?: unknown; cause?: unknown };
    err = next.driverError ?? next.cause;
  }
  return false;
}

/** What a 500 logs: the error and where it happened, never a failed query's parameters (hashes, tokens). */
function loggable(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const { code, query } = e as Error & { code?: string; query?: string };
  return { type: e.name, message: e.message, code, query, stack: e.stack };
}

/** Every error leaves the API as application/problem+json. Unknown errors are 500s and logged as bugs. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Optional() @Inject(CONSTRAINT_PROBLEMS) private readonly constraints: ConstraintProblems = {}) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    if (res.headersSent) return;
    const problem = this.toProblem(exception);
    problem.instance = req.originalUrl;
    if (req.id) problem.requestId = String(req.id);
    if (problem.status === 503 && problem.code === C.SERVICE_UNAVAILABLE) {
      // a runner released under a query is a lost connection here, or a bug that used one after its transaction: logged as an error
      const released = exception instanceof QueryRunnerAlreadyReleasedError || exception instanceof QueryRunnerProviderAlreadyReleasedError;
      const log = released ? 'error' : 'warn';
      this.logger[log]({ err: loggable(exception), requestId: req.id }, 'database unavailable');
      res.setHeader('Retry-After', '2');
    } else if (problem.status >= 500) {
      this.logger.error({ err: loggable(exception), requestId: req.id }, 'unhandled error');
    }
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof DomainError) {
      const status = exception.getStatus();
      return {
        type: `about:blank`,
        title: titleFor(status),
        status,
        code: exception.code,
        detail: exception.message === 'Http Exception' ? undefined : (exception.getResponse() as { detail?: string }).detail,
        ...(exception.errors ? { errors: exception.errors } : {}),
        ...exception.extra,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      const code = statusCode(status, exception);
      return {
        type: 'about:blank',
        title: titleFor(status),
        status,
        code,
        detail: Array.isArray(message) ? message.join('; ') : String(message),
      };
    }
    if (exception instanceof QueryFailedError) {
      const driverError = (exception as QueryFailedError & { driverError?: { code?: string; constraint?: string } }).driverError;
      const pgCode = driverError?.code;
      // a check or foreign key a module has named for its field: a validation problem like the DTOs' own
      const known = driverError?.constraint ? this.constraints[driverError.constraint] : undefined;
      if (known && (pgCode === '23514' || pgCode === '23503'))
        return {
          type: 'about:blank',
          title: titleFor(400),
          status: 400,
          code: C.VALIDATION_FAILED,
          detail: 'The request has invalid fields.',
          errors: [{ ...known }],
        };
      // constraints the service layer should have caught; still a client-visible conflict, not a crash
      if (pgCode === '23505')
        return {
          type: 'about:blank',
          title: titleFor(409),
          status: 409,
          code: C.CONFLICT,
          detail: 'The change conflicts with existing data.',
        };
      if (pgCode === '23514' || pgCode === '23503') {
        return {
          type: 'about:blank',
          title: titleFor(400),
          status: 400,
          code: C.CONSTRAINT_VIOLATED,
          detail: 'The change breaks a data rule.',
        };
      }
      // a value the database cannot read as its type, e.g. a hand-made cursor; not a crash
      if (pgCode && MALFORMED_VALUE.has(pgCode)) {
        return {
          type: 'about:blank',
          title: titleFor(400),
          status: 400,
          code: C.INVALID_VALUE,
          detail: 'A value in the request has the wrong form or is out of range.',
        };
      }
      if (pgCode === '40001' || pgCode === '40P01') {
        return {
          type: 'about:blank',
          title: titleFor(409),
          status: 409,
          code: C.CONCURRENT_UPDATE,
          detail: 'Another change happened at the same time; try again.',
        };
      }
    }
    // the database restarting or out of reach: a clean refusal the client may retry, not a crash (nothing was acknowledged)
    if (isDatabaseUnavailable(exception)) {
      return {
        type: 'about:blank',
        title: titleFor(503),
        status: 503,
        code: C.SERVICE_UNAVAILABLE,
        detail:
          'The database cannot be reached right now. Try again shortly; a change may be sent again with the same Idempotency-Key, or read back first.',
      };
    }
    return { type: 'about:blank', title: titleFor(500), status: 500, code: C.INTERNAL_ERROR, detail: 'An unexpected error occurred.' };
  }
}

function statusCode(status: number, e: HttpException): string {
  if (status === 404) return C.NOT_FOUND;
  if (status === 401) return C.UNAUTHENTICATED;
  if (status === 403) return C.FORBIDDEN;
  if (status === 413) return C.PAYLOAD_TOO_LARGE;
  if (status === 429) return C.RATE_LIMITED;
  if (status === 400 && /JSON/i.test(e.message)) return C.MALFORMED_JSON;
  return status >= 500 ? C.INTERNAL_ERROR : C.BAD_REQUEST;
}

export type { FieldProblem };
