export const GRANT_CHANGE_STATES = ['SUBMITTED', 'RECOMMENDED', 'APPROVED', 'REJECTED'] as const;
export type GrantChangeState = (typeof GRANT_CHANGE_STATES)[number];
