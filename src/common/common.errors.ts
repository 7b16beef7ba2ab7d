/** Problem codes every module shares: the generic answers of problem details, validation and pagination. */
export const CommonErrors = {
  BAD_REQUEST: 'BAD_REQUEST',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** a request field this endpoint does not know (forbidNonWhitelisted) */
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  /** text the database cannot store as sent: NUL, or half a UTF-16 surrogate pair */
  INVALID_TEXT: 'INVALID_TEXT',
  /** text that is only spaces, or too short once leading and trailing ones are trimmed */
  NOT_BLANK: 'NOT_BLANK',
  TOO_DEEPLY_NESTED: 'TOO_DEEPLY_NESTED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  INVALID_CURSOR: 'INVALID_CURSOR',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED',
  /** a unique constraint the service layer should have caught first */
  CONFLICT: 'CONFLICT',
  /** a check or foreign-key constraint the service layer should have caught first */
  CONSTRAINT_VIOLATED: 'CONSTRAINT_VIOLATED',
  /** a value the database cannot read as its type */
  INVALID_VALUE: 'INVALID_VALUE',
  /** a serialization failure or deadlock: try again */
  CONCURRENT_UPDATE: 'CONCURRENT_UPDATE',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  /** 503: the database cannot be reached right now (restarting, connection lost); nothing was stored, try again */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** an Idempotency-Key header that is empty, too long or not printable ASCII */
  INVALID_IDEMPOTENCY_KEY: 'INVALID_IDEMPOTENCY_KEY',
  /** the same Idempotency-Key sent again with another request (method, path or body) */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** not a date and time of the accepted ISO 8601 shapes (common/oslo-time.ts) */
  INVALID_DATE_TIME: 'INVALID_DATE_TIME',
  /** an Oslo wall-clock time the clocks skip (spring forward) */
  NONEXISTENT_LOCAL_TIME: 'NONEXISTENT_LOCAL_TIME',
  /** an Oslo wall-clock time the clocks pass twice (fall back) */
  AMBIGUOUS_LOCAL_TIME: 'AMBIGUOUS_LOCAL_TIME',
} as const;
