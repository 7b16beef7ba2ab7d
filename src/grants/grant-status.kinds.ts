/** What an officer may propose for a grant, and where such a proposal stands. */
export const GRANT_STATUS_CHANGE_KINDS = ['SUSPEND', 'LIFT_SUSPENSION', 'TERMINATE'] as const;
export type GrantStatusChangeKind = (typeof GRANT_STATUS_CHANGE_KINDS)[number];

export const GRANT_STATUS_CHANGE_STATES = ['PROPOSED', 'CONFIRMED', 'REJECTED'] as const;
export type GrantStatusChangeState = (typeof GRANT_STATUS_CHANGE_STATES)[number];
