export const ROLES = ['applicant', 'officer', 'approver', 'assessor', 'evaluator', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
