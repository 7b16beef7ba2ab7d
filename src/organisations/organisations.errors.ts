import { ConstraintProblems } from '../common/problem';
import { CommonErrors as C } from '../common/common.errors';

export const OrganisationErrors = {
  UNKNOWN_MUNICIPALITY: 'UNKNOWN_MUNICIPALITY',
  DUPLICATE_MEMBER: 'DUPLICATE_MEMBER',
  LEAD_NOT_MEMBER: 'LEAD_NOT_MEMBER',
  NOT_A_HEALTH_TRUST: 'NOT_A_HEALTH_TRUST',
  NOT_YOUR_CONSORTIUM: 'NOT_YOUR_CONSORTIUM',
  /** An applicant may only create, and only edit, a consortium its own municipality leads. */
  NOT_YOUR_LEAD: 'LEAD_NOT_YOUR_MUNICIPALITY',
  ONLY_LEAD_ACTS: 'ONLY_LEAD_ACTS_FOR_CONSORTIUM',
  /** Consent is given by an applicant of the member itself. */
  NOT_YOUR_MEMBERSHIP: 'NOT_YOUR_MEMBERSHIP',
  UNKNOWN_MEMBER: 'UNKNOWN_MEMBER',
  LEAD_CANNOT_LEAVE: 'LEAD_CANNOT_LEAVE',
  NEW_LEAD_NOT_CONFIRMED: 'NEW_LEAD_NOT_CONFIRMED',
  MEMBERSHIP_LOCKED: 'CONSORTIUM_MEMBERSHIP_LOCKED',
  MEMBER_ALREADY_CONFIRMED: 'MEMBER_ALREADY_CONFIRMED',
  MEMBER_HAS_APPLICANTS: 'MEMBER_HAS_APPLICANTS',
  UNKNOWN_ATTACHMENT: 'UNKNOWN_ATTACHMENT',
  LETTER_NOT_PDF: 'LETTER_OF_INTENT_NOT_PDF',
  NO_LETTER_TO_ACCEPT: 'NO_LETTER_OF_INTENT_TO_ACCEPT',
} as const;

/** The consortium's database checks a request can reach, by the field that breaks them. */
export const OrganisationConstraints: ConstraintProblems = {
  consortium_name_check: { field: 'name', code: C.NOT_BLANK, message: 'name must have 2 to 200 characters besides spaces' },
};
