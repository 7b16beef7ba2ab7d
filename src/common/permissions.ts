/**
 * Every permission an endpoint can require (`@RequirePermission`). Which roles hold each is decided in
 * identity/permissions.ts; the names live here, low in the layering, so that any module (audit among them) can
 * declare them on its routes without depending on identity.
 */
export const PERMISSIONS = [
  'consortia:read',
  'consortia:write',
  'users:manage',
  'me:read',
  'api-tokens:manage',
  'audit:read',
  'notifications:read-own',
  'notifications:operate',
  'calls:read',
  'calls:manage',
  'applications:read',
  'applications:write', // draft, submit, withdraw (applicant, own consortium)
  'applications:process', // formal check, return for completion, journal (officer)
  'cases:journal', // the case journal, internal notes and the activity time line (staff)
  'cases:messages', // write in a case to the other side: the consortium to the staff, officers and approvers to the consortium
  'cases:notes', // write internal notes in a case (officers, approvers)
  'assessments:perform', // own assignments: declare, read after declaring, score (assessors, and officers who assess)
  'assessments:manage', // assign, moderate, reopen, ranking, allocation proposals (officer)
  'decisions:read', // a decision and its letter: staff, and the consortium's applicants once it is sent
  'decisions:prepare', // draft, edit, propose, discard (officer)
  'decisions:approve', // approve or return (approver, never the proposer)
  'grants:read',
  'grants:accept', // accept the conditions for the lead municipality (applicant)
  'grants:manage', // record an acceptance signed outside the system; decide change requests; propose a suspension or termination (officer)
  'grants:change', // request a change of an active grant's terms, or consent to join one (applicant)
  'grants:approve', // confirm or reject a suspension, its lifting or a termination (approver, never the proposer)
  'payments:read', // payments, export batches (staff)
  'payments:attest', // attest, record what the bank did, export, reclaims (officer)
  'payments:approve', // approve payments, plan changes and write-offs (approver, never the one who attested or proposed)
  'appeals:lodge', // appeal a decision (applicant of the lead municipality; the officer registering one for the party)
  'appeals:handle', // admit a late appeal, forward it, record the appeal body's outcome (officer)
  'reports:read', // a grant's follow-up reports, their versions and attachments
  'reports:write', // draft, save, attach and submit a report (applicant of the lead municipality)
  'reports:review', // approve a report or request changes (officer)
  'reports:manage', // ad hoc reports, extensions, a grant's project end (officer)
  'insights:read',
  'metrics:read', // GET /metrics, for a Prometheus scraper's API token (admin)
] as const;
export type Permission = (typeof PERMISSIONS)[number];
