export const NotificationErrors = {
  NOT_RETRYABLE: 'NOTIFICATION_NOT_RETRYABLE',
} as const;
