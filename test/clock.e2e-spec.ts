import { createTestApp, TestApp } from './support/app';
import { completeDraft, createCall, createConsortium, createDraft, MunicipalityPool, pdfBytes, setClock } from './support/fixtures';

describe('every "now" comes from the one Clock', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t);
  });
  afterAll(() => t.close());

  it('audit entries, edits and attachment removals take their time from the Clock', async () => {
    const consortium = await createConsortium(t, t.auth('applicant'), '4601', ['4601', ...pool.take(1)]);
    const call = await createCall(t);
    const draft = await createDraft(t, t.auth('applicant'), completeDraft(call.id, consortium.id));
    const uploaded = await t
      .http()
      .post(`/api/v1/applications/${draft.id}/attachments`)
      .set(t.auth('applicant'))
      .attach('file', pdfBytes(), 'plan.pdf')
      .expect(201);
    // a submitted attachment is only marked removed from the draft (one never submitted is deleted)
    await t.http().post(`/api/v1/applications/${draft.id}/submit`).set(t.auth('applicant')).expect(200);
    await t.http().post(`/api/v1/applications/${draft.id}/return`).set(t.auth('officer')).send({ reason: 'Mangler vedlegg' }).expect(200);
    const at = '2031-02-03T04:05:06.000Z';
    const restore = setClock(t, at);
    try {
      const edited = await t.http().patch(`/api/v1/applications/${draft.id}`).set(t.auth('applicant')).send({}).expect(200);
      expect(edited.body.updatedAt).toBe(at);
      await t.http().delete(`/api/v1/applications/${draft.id}/attachments/${uploaded.body.id}`).set(t.auth('applicant')).expect(204);
    } finally {
      restore();
    }
    const [removed] = await t.dataSource.query(`SELECT removed_at FROM application_attachment WHERE id = $1`, [uploaded.body.id]);
    expect(new Date(removed.removed_at).toISOString()).toBe(at);
    const audited = await t.dataSource.query(
      `SELECT action, occurred_at FROM audit_event WHERE entity_id = $1 AND action IN ('application.updated', 'application.attachment_removed') ORDER BY seq`,
      [draft.id],
    );
    expect(audited.map((r: { action: string; occurred_at: Date }) => [r.action, new Date(r.occurred_at).toISOString()])).toEqual([
      ['application.updated', at],
      ['application.attachment_removed', at],
    ]);
  });
});
