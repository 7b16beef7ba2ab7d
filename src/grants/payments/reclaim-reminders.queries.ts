import { EntityManager } from 'typeorm';
import { ApplicationContent } from '../../applications/application-content';

/** Demanded reclaims past their due date, with the frozen application whose contact persons are told. */
export async function overdueReclaims(
  m: EntityManager,
  today: string,
): Promise<Array<{ id: string; caseNumber: string; number: number; dueOn: string; content: ApplicationContent }>> {
  const rows: Array<{ id: string; case_number: string; number: number; due_on: string; content: ApplicationContent }> = await m.query(
    `SELECT r.id, g.case_number, r.number, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, v.content
       FROM reclaim r
       JOIN grant_award g ON g.id = r.grant_id
       JOIN application a ON a.id = g.application_id
       JOIN application_version v ON v.application_id = a.id AND v.version = a.current_version
      WHERE r.status = 'DEMANDED' AND r.due_on < $1::date
      ORDER BY r.due_on, r.id`,
    [today],
  );
  return rows.map((r) => ({ id: r.id, caseNumber: r.case_number, number: Number(r.number), dueOn: r.due_on, content: r.content }));
}

/** The case, project and reclaim state a reminder re-reads when it is sent. */
export async function reclaimForReminder(
  m: EntityManager,
  id: string,
): Promise<{ status: string; caseNumber: string; projectTitle: string; dueOn: string | null } | null> {
  const [r]: Array<{ status: string; case_number: string; title: string; due_on: string | null }> = await m.query(
    `SELECT r.status, g.case_number, a.title, to_char(r.due_on, 'YYYY-MM-DD') AS due_on
       FROM reclaim r JOIN grant_award g ON g.id = r.grant_id JOIN application a ON a.id = g.application_id WHERE r.id = $1`,
    [id],
  );
  return r ? { status: r.status, caseNumber: r.case_number, projectTitle: r.title, dueOn: r.due_on } : null;
}
