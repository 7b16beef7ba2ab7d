/** Problem codes of the public journal and the exemptions officers mark in it. */
export const PublicErrors = {
  /** `from` is after `to` */
  DATE_RANGE_REVERSED: 'DATE_RANGE_REVERSED',
  /** a title-only exemption needs no public title for a whole-entry one, and the other way round */
  PUBLIC_TITLE_NOT_ALLOWED: 'PUBLIC_TITLE_NOT_ALLOWED',
} as const;
