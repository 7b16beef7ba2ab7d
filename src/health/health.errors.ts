export const HealthErrors = {
  /** 503: the database or the queue does not answer */
  NOT_READY: 'NOT_READY',
} as const;
