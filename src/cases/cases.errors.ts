/** Stable problem codes of messages in a case. */
export const CaseErrors = {
  /** 413: a message's attachments together are larger than the upload limit. */
  MESSAGE_FILES_TOO_LARGE: 'MESSAGE_FILES_TOO_LARGE',
} as const;
