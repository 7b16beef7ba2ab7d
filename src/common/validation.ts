import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { buildMessage, IsISO8601, isISO8601, Matches, ValidateBy, ValidationOptions } from 'class-validator';
import { DomainError, FieldProblem } from './problem';
import { isUuid } from './uuid';
import { CommonErrors as C } from './common.errors';

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    for (const [constraint, message] of Object.entries(e.constraints ?? {})) {
      out.push({
        field,
        code: constraint === 'whitelistValidation' ? C.UNKNOWN_FIELD : constraint.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(),
        message,
      });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

// PostgreSQL text refuses NUL and would silently store an unpaired UTF-16 surrogate as U+FFFD
// eslint-disable-next-line no-control-regex -- NUL is the character to find
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// far beyond any DTO; deeper input would exhaust the stack of class-transformer (a 500) before validation runs
const MAX_DEPTH = 32;
const MAX_PROBLEMS = 20;
// class-transformer skips these keys without a word, so the whitelist never sees them; no DTO has such a field
const OBJECT_MACHINERY = new Set(['__proto__', 'constructor']);

/**
 * What class-validator cannot report: text the database cannot store as sent, absurd nesting, and the unknown
 * fields class-transformer drops before the whitelist could refuse them (`__proto__`, `constructor`). Walks
 * without recursion, so the check itself cannot overflow the stack.
 */
function inputProblems(value: unknown, root: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pending: Array<[unknown, string, number]> = [[value, root, 0]];
  while (pending.length && problems.length < MAX_PROBLEMS) {
    const [v, field, depth] = pending.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE_TEXT.test(v))
        problems.push({
          field,
          code: C.INVALID_TEXT,
          message: `${field || 'the value'} contains a NUL character or a broken UTF-16 surrogate pair`,
        });
    } else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      if (depth >= MAX_DEPTH) {
        problems.push({
          field,
          code: C.TOO_DEEPLY_NESTED,
          message: `${field || 'the value'} is nested more than ${MAX_DEPTH} levels deep`,
        });
        continue;
      }
      for (const [k, x] of Object.entries(v)) {
        const child = Array.isArray(v) ? `${field}[${k}]` : field ? `${field}.${k}` : k;
        if (UNSTORABLE_TEXT.test(k))
          problems.push({
            field: child,
            code: C.INVALID_TEXT,
            message: 'a field name contains a NUL character or a broken UTF-16 surrogate pair',
          });
        else if (!Array.isArray(v) && OBJECT_MACHINERY.has(k))
          problems.push({ field: child, code: C.UNKNOWN_FIELD, message: `property ${k} should not exist` });
        else pending.push([x, child, depth + 1]);
      }
    }
  }
  return problems;
}

// the ISO 8601 forms PostgreSQL reads as a timestamptz; class-validator also accepts week and ordinal dates
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

/** A calendar date or date-time in ISO 8601 (2025-03-01, 2025-03-01T12:00:00+01:00), as the database reads it. */
export function IsIsoDateTime(message: string) {
  return ValidateBy({
    name: 'isIso8601',
    validator: {
      validate: (v) => typeof v === 'string' && ISO_DATE_TIME.test(v) && isISO8601(v, { strict: true }),
      defaultMessage: () => message,
    },
  });
}

/** A calendar date (YYYY-MM-DD) that exists. */
export function IsCalendarDate(name: string): PropertyDecorator {
  return (target, key) => {
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: `${name} must be a date YYYY-MM-DD` })(target, key);
    IsISO8601({ strict: true, strictSeparator: true }, { message: `${name} must be a date that exists` })(target, key);
  };
}

/** A UUID as the database reads it (code IS_UUID), by the same check the services use on path parameters. */
export function IsUuid(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isUuid',
      validator: {
        validate: (v) => isUuid(v),
        defaultMessage: buildMessage((eachPrefix) => `${eachPrefix}$property must be a UUID`, options),
      },
    },
    options,
  );
}

/**
 * At least `min` characters once leading and trailing white space is trimmed, as the database's
 * `length(trim(x))` checks count them; `Length` alone lets '   ' through to a CONSTRAINT_VIOLATED.
 */
export function NotBlank(min = 1) {
  return ValidateBy({
    name: 'notBlank',
    validator: {
      validate: (v) => typeof v === 'string' && v.trim().length >= min,
      defaultMessage: (a) =>
        min === 1 ? `${a?.property} must not be blank` : `${a?.property} must have at least ${min} characters besides spaces`,
    },
  });
}

/** The global pipe: unknown fields are refused, types are converted, every problem is listed by field. */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const problems = inputProblems(value, metadata.data ?? '');
      if (problems.length) throw DomainError.validation(problems);
    }
    return super.transform(value, metadata);
  }
}

export function validationPipe() {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => DomainError.validation(flatten(errors)),
  });
}
