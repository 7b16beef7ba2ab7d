import { HttpException, HttpStatus } from '@nestjs/common';
import { CommonErrors as C } from './common.errors';

export interface FieldProblem {
  field: string;
  code: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  errors?: FieldProblem[];
  requestId?: string;
  [extra: string]: unknown;
}

/**
 * What a database constraint guards, said as a field problem: the constraint's name → the field a client sent and a
 * stable code. Each module lists its own (beside its error codes); AppModule hands them all to the problem filter, so
 * a request that gets past the DTOs and breaks a check is still told which field is wrong.
 */
export type ConstraintProblems = Readonly<Record<string, FieldProblem>>;
export const CONSTRAINT_PROBLEMS = Symbol('CONSTRAINT_PROBLEMS');

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? 'Error';
}

/**
 * A domain failure the caller can act on. Thrown from services; the filter renders it as RFC 9457
 * problem details with a stable `code`.
 */
export class DomainError extends HttpException {
  constructor(
    status: HttpStatus | number,
    readonly code: string,
    detail: string,
    readonly errors?: FieldProblem[],
    readonly extra: Record<string, unknown> = {},
  ) {
    super({ code, detail, errors, ...extra }, status);
  }

  static validation(errors: FieldProblem[], detail = 'The request has invalid fields.') {
    return new DomainError(400, C.VALIDATION_FAILED, detail, errors);
  }
  static notFound(what: string, id?: string | number) {
    return new DomainError(404, C.NOT_FOUND, id === undefined ? `${what} not found.` : `${what} ${id} not found.`);
  }
  static forbidden(detail = 'You do not have permission to do this.', code: string = C.FORBIDDEN) {
    return new DomainError(403, code, detail);
  }
  static conflict(code: string, detail: string, extra: Record<string, unknown> = {}) {
    return new DomainError(409, code, detail, undefined, extra);
  }
  static unprocessable(code: string, detail: string, errors?: FieldProblem[]) {
    return new DomainError(422, code, detail, errors);
  }
}
