import { createTestApp, TestApp } from './support/app';
import {
  applicantFor,
  Auth,
  completeDraft,
  ConsortiumBody,
  createCall,
  createConsortium,
  createDraft,
  docxBytes,
  MunicipalityPool,
  pdfBytes,
} from './support/fixtures';

/**
 * Nobody joins a consortium without its own consent (domain brief § 9): the lead's applicants create it and invite;
 * a member is INVITED until an applicant of its own confirms (or, without one, the lead submits its signed letter of
 * intent and the officer accepts it at the formal check). Only the lead acts for the consortium.
 */
describe('consortia: consent of the members', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  let call: { id: string; measureCode: string };
  beforeAll(async () => {
    t = await createTestApp();
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
    call = await createCall(t);
  });
  afterAll(() => t.close());

  const member = (c: ConsortiumBody, number: string) => c.members.find((m) => m.municipalityNumber === number)!;
  const confirm = (c: ConsortiumBody, number: string, auth: Auth) =>
    t
      .http()
      .post(`/api/v1/consortia/${c.id}/members/${member(c, number).organisationId}/confirm`)
      .set(auth);
  const leave = (c: ConsortiumBody, number: string, auth: Auth) =>
    t
      .http()
      .post(`/api/v1/consortia/${c.id}/members/${member(c, number).organisationId}/leave`)
      .set(auth);
  const submit = (auth: Auth, id: string) => t.http().post(`/api/v1/applications/${id}/submit`).set(auth);
  const audits = async (entityId: string, action: string) =>
    t.dataSource.query(`SELECT actor_user_id::text AS actor, diff FROM audit_event WHERE entity_id = $1 AND action = $2 ORDER BY seq`, [
      entityId,
      action,
    ]);

  it('an applicant cannot create a consortium led by another municipality, not even with its own among the members', async () => {
    const [a, b] = pool.take(2);
    const user = await applicantFor(t, a);
    const before = (await t.dataSource.query(`SELECT count(*)::int AS n FROM consortium`))[0].n;
    const res = await t
      .http()
      .post('/api/v1/consortia')
      .set(user.auth)
      .send({ name: 'Kapret', leadMunicipality: b, members: [b, a] })
      .expect(403);
    expect(res.body.code).toBe('LEAD_NOT_YOUR_MUNICIPALITY');
    expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM consortium`))[0].n).toBe(before);
  });

  it('invites the members: INVITED until their own applicant confirms; the invited applicants are told, in their language; audited', async () => {
    const [a, b, c] = pool.take(3);
    const lead = await applicantFor(t, a);
    const invited = await applicantFor(t, b);
    const created = await createConsortium(t, lead.auth, a, [a, b, c], 'Samtykkesamarbeidet', { confirm: false });
    expect(member(created, a).status).toBe('CONFIRMED');
    expect([member(created, b).status, member(created, c).status]).toEqual(['INVITED', 'INVITED']);

    const [{ written_language }] = await t.dataSource.query(`SELECT written_language FROM municipality WHERE number = $1`, [b]);
    const mails = await t.dataSource.query(
      `SELECT recipient_email, requested_language, data FROM notification WHERE event = 'consortium.invitation' AND entity_id = $1`,
      [created.id],
    );
    // c has no applicant in the service yet: nobody to write to (the lead may submit its letter of intent instead)
    expect(mails).toEqual([
      {
        recipient_email: invited.email,
        requested_language: written_language === 'Nynorsk' ? 'nn' : 'nb',
        data: { organisationId: member(created, b).organisationId },
      },
    ]);

    // the lead cannot confirm for a member, nor can an officer; a stranger does not see the consortium at all
    expect((await confirm(created, b, lead.auth).expect(403)).body.code).toBe('NOT_YOUR_MEMBERSHIP');
    expect((await confirm(created, b, t.auth('officer')).expect(403)).body.code).toBe('NOT_YOUR_MEMBERSHIP');
    await confirm(created, b, t.auth('applicant2')).expect(404);

    const confirmed = await confirm(created, b, invited.auth).expect(200);
    expect(member(confirmed.body, b)).toMatchObject({ status: 'CONFIRMED', consentBasis: 'APPLICANT' });
    await confirm(confirmed.body, b, invited.auth).expect(200); // again: nothing changes
    expect(await audits(created.id, 'consortium.member_confirmed')).toEqual([
      expect.objectContaining({
        actor: invited.userId,
        diff: expect.objectContaining({ status: { before: 'INVITED', after: 'CONFIRMED' } }),
      }),
    ]);
    expect(await audits(created.id, 'consortium.created')).toHaveLength(1);
  });

  it('submission requires every member confirmed, and names the ones that are not; they do not count for the rules meanwhile', async () => {
    const [a, b, c] = pool.take(3);
    const lead = await applicantFor(t, a);
    const consortium = await createConsortium(t, lead.auth, a, [a, b, c], 'Halvveis', { confirm: false });
    const draft = await createDraft(t, lead.auth, completeDraft(call.id, consortium.id));
    const checked = await t.http().get(`/api/v1/applications/${draft.id}/validation`).set(lead.auth).expect(200);
    const names = draft.content.consortium.members.map((m: { name: string; municipalityNumber: string }) => [m.municipalityNumber, m.name]);
    const label = (n: string) => `${(names.find((x: string[]) => x[0] === n)![1] as string).replace(/ kommune$/, '')} (${n})`;
    const index = (n: string) => names.findIndex((x: string[]) => x[0] === n);
    expect(checked.body.submittable).toBe(false);
    expect(checked.body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: `consortium.members[${index(b)}]`, code: 'MEMBER_NOT_CONFIRMED' }),
        expect.objectContaining({ field: `consortium.members[${index(c)}]`, code: 'MEMBER_NOT_CONFIRMED' }),
        {
          field: 'consortium.members',
          code: 'TOO_FEW_MEMBERS',
          message: 'the consortium has 1 confirmed municipality; the call requires at least 2',
        },
      ]),
    );
    const refused = await submit(lead.auth, draft.id).expect(422);
    expect(refused.body.code).toBe('APPLICATION_NOT_SUBMITTABLE');
    expect(refused.body.detail).toContain(
      `not yet confirmed: ${[b, c]
        .sort((x, y) => index(x) - index(y))
        .map(label)
        .join(', ')}`,
    );

    await confirm(consortium, b, (await applicantFor(t, b)).auth).expect(200);
    await confirm(consortium, c, (await applicantFor(t, c)).auth).expect(200);
    expect((await t.http().get(`/api/v1/applications/${draft.id}/validation`).set(lead.auth).expect(200)).body).toMatchObject({
      submittable: true,
      problems: [],
    });
    const done = await submit(lead.auth, draft.id).expect(200);
    expect(done.body.content.consortium.members.map((m: { status: string }) => m.status)).toEqual(['CONFIRMED', 'CONFIRMED', 'CONFIRMED']);
  });

  it("a municipality put into someone else's consortium without its consent keeps its own application in the call", async () => {
    const [attacker, victim, partner] = pool.take(3);
    const evil = await applicantFor(t, attacker);
    const victimUser = await applicantFor(t, victim);
    const hijack = await createConsortium(t, evil.auth, attacker, [attacker, victim], 'Uten samtykke', { confirm: false });
    const hijackDraft = await createDraft(t, evil.auth, completeDraft(call.id, hijack.id));
    expect((await submit(evil.auth, hijackDraft.id).expect(422)).body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'MEMBER_NOT_CONFIRMED' })]),
    );
    // nor can the attacker stand in with a letter of intent: the victim has applicants of its own, who confirm or not
    const file = await t
      .http()
      .post(`/api/v1/applications/${hijackDraft.id}/attachments`)
      .set(evil.auth)
      .attach('file', pdfBytes(), 'intensjonsavtale.pdf')
      .expect(201);
    const letter = await t
      .http()
      .post(`/api/v1/consortia/${hijack.id}/members/${member(hijack, victim).organisationId}/letter-of-intent`)
      .set(evil.auth)
      .send({ attachmentId: file.body.id })
      .expect(409);
    expect(letter.body.code).toBe('MEMBER_HAS_APPLICANTS');

    const own = await createConsortium(t, victimUser.auth, victim, [victim, partner]);
    const ownDraft = await createDraft(t, victimUser.auth, completeDraft(call.id, own.id));
    await submit(victimUser.auth, ownDraft.id).expect(200);
    // and the victim declines the invitation
    await leave(hijack, victim, victimUser.auth).expect(204);
    const after = await t.http().get(`/api/v1/consortia/${hijack.id}`).set(evil.auth).expect(200);
    expect(after.body.members.map((m: { municipalityNumber: string }) => m.municipalityNumber)).toEqual([attacker]);
    expect(await audits(hijack.id, 'consortium.member_left')).toEqual([expect.objectContaining({ actor: victimUser.userId })]);
  });

  it("the lead's applicants edit, submit and withdraw; members' applicants read, and confirm or leave before submission", async () => {
    const [a, b, c] = pool.take(3);
    const lead = await applicantFor(t, a);
    const memberUser = await applicantFor(t, b);
    const consortium = await createConsortium(t, lead.auth, a, [a, b, c], 'Roller');
    const draft = await createDraft(t, lead.auth, completeDraft(call.id, consortium.id));

    // members read
    await t.http().get(`/api/v1/consortia/${consortium.id}`).set(memberUser.auth).expect(200);
    await t.http().get(`/api/v1/applications/${draft.id}`).set(memberUser.auth).expect(200);
    // but do not act for the consortium
    const only = 'ONLY_LEAD_ACTS_FOR_CONSORTIUM';
    expect(
      (
        await t
          .http()
          .patch(`/api/v1/consortia/${consortium.id}`)
          .set(memberUser.auth)
          .send({ members: [a, b] })
          .expect(403)
      ).body.code,
    ).toBe(only);
    expect(
      (await t.http().patch(`/api/v1/applications/${draft.id}`).set(memberUser.auth).send({ title: 'Overtatt' }).expect(403)).body.code,
    ).toBe(only);
    expect((await submit(memberUser.auth, draft.id).expect(403)).body.code).toBe(only);
    expect(
      (await t.http().post(`/api/v1/applications/${draft.id}/withdraw`).set(memberUser.auth).send({ reason: 'Nei' }).expect(403)).body.code,
    ).toBe(only);
    await t
      .http()
      .post(`/api/v1/applications/${draft.id}/attachments`)
      .set(memberUser.auth)
      .attach('file', pdfBytes(), 'x.pdf')
      .expect(403);
    expect(
      (
        await t
          .http()
          .post('/api/v1/applications')
          .set(memberUser.auth)
          .send({ callId: call.id, consortiumId: consortium.id, title: 'Egen' })
          .expect(403)
      ).body.code,
    ).toBe(only);
    // the lead cannot leave, and cannot hand the lead to a member that has not said yes
    expect((await leave(consortium, a, lead.auth).expect(409)).body.code).toBe('LEAD_CANNOT_LEAVE');

    await submit(lead.auth, draft.id).expect(200);
    // after submission nobody changes the membership of the submitted version
    expect((await leave(consortium, b, memberUser.auth).expect(409)).body.code).toBe('CONSORTIUM_MEMBERSHIP_LOCKED');
    expect(
      (
        await t
          .http()
          .patch(`/api/v1/consortia/${consortium.id}`)
          .set(lead.auth)
          .send({ members: [a, b] })
          .expect(409)
      ).body.code,
    ).toBe('CONSORTIUM_MEMBERSHIP_LOCKED');
    expect(
      (
        await t
          .http()
          .patch(`/api/v1/consortia/${consortium.id}`)
          .set(t.auth('officer'))
          .send({ members: [a, b] })
          .expect(409)
      ).body.code,
    ).toBe('CONSORTIUM_MEMBERSHIP_LOCKED');
    // the lead withdraws; then the membership is free again
    await t.http().post(`/api/v1/applications/${draft.id}/withdraw`).set(lead.auth).send({ reason: 'Trekker søknaden' }).expect(200);
    await leave(consortium, b, memberUser.auth).expect(204);
  });

  it('the lead changes members: new ones are invited, kept ones keep their consent; a new lead must have confirmed', async () => {
    const [a, b, c, d] = pool.take(4);
    const lead = await applicantFor(t, a);
    const consortium = await createConsortium(t, lead.auth, a, [a, b], 'Endringer');
    const unconfirmed = await t
      .http()
      .patch(`/api/v1/consortia/${consortium.id}`)
      .set(lead.auth)
      .send({ members: [a, b, c] })
      .expect(200);
    expect(
      unconfirmed.body.members.map((m: { municipalityNumber: string; status: string }) => [m.municipalityNumber, m.status]).sort(),
    ).toEqual(
      [
        [a, 'CONFIRMED'],
        [b, 'CONFIRMED'],
        [c, 'INVITED'],
      ].sort(),
    );
    const toInvited = await t.http().patch(`/api/v1/consortia/${consortium.id}`).set(lead.auth).send({ leadMunicipality: c }).expect(409);
    expect(toInvited.body.code).toBe('NEW_LEAD_NOT_CONFIRMED');
    const handedOver = await t
      .http()
      .patch(`/api/v1/consortia/${consortium.id}`)
      .set(lead.auth)
      .send({ leadMunicipality: b, members: [a, b, d] })
      .expect(200);
    expect(handedOver.body.leadMunicipality).toBe(b);
    // the old lead's applicants are members now: they read, the new lead acts
    expect(
      (await t.http().patch(`/api/v1/consortia/${consortium.id}`).set(lead.auth).send({ name: 'Tilbake' }).expect(403)).body.code,
    ).toBe('ONLY_LEAD_ACTS_FOR_CONSORTIUM');
  });

  it("a member without applicants joins by the lead's letter of intent, which the officer accepts at the formal check", async () => {
    const [a, b, c] = pool.take(3);
    const lead = await applicantFor(t, a);
    const consortium = await createConsortium(t, lead.auth, a, [a, b, c], 'Med intensjonsavtale', { confirm: false });
    await confirm(consortium, b, (await applicantFor(t, b)).auth).expect(200);
    const draft = await createDraft(t, lead.auth, completeDraft(call.id, consortium.id));
    const attach = (bytes: Buffer, name: string) =>
      t.http().post(`/api/v1/applications/${draft.id}/attachments`).set(lead.auth).attach('file', bytes, name).expect(201);
    const letterUrl = `/api/v1/consortia/${consortium.id}/members/${member(consortium, c).organisationId}/letter-of-intent`;

    const docx = await attach(docxBytes(), 'avtale.docx');
    expect((await t.http().post(letterUrl).set(lead.auth).send({ attachmentId: docx.body.id }).expect(400)).body.errors[0].code).toBe(
      'LETTER_OF_INTENT_NOT_PDF',
    );
    // a file of some other application is not this consortium's letter
    const elsewhere = await t
      .http()
      .post(letterUrl)
      .set(lead.auth)
      .send({ attachmentId: '00000000-0000-4000-8000-000000000000' })
      .expect(400);
    expect(elsewhere.body.errors[0]).toMatchObject({ field: 'attachmentId', code: 'UNKNOWN_ATTACHMENT' });
    const pdf = await attach(pdfBytes(), 'intensjonsavtale.pdf');
    // only the lead submits it
    await t
      .http()
      .post(letterUrl)
      .set((await applicantFor(t, b)).auth)
      .send({ attachmentId: pdf.body.id })
      .expect(403);
    const submitted = await t.http().post(letterUrl).set(lead.auth).send({ attachmentId: pdf.body.id }).expect(200);
    expect(member(submitted.body, c)).toMatchObject({ status: 'LETTER_SUBMITTED', letterAttachmentId: pdf.body.id });
    // the letter cannot be pulled from under the member
    expect(
      (await t.http().delete(`/api/v1/applications/${draft.id}/attachments/${pdf.body.id}`).set(lead.auth).expect(409)).body.code,
    ).toBe('ATTACHMENT_IS_LETTER_OF_INTENT');

    await submit(lead.auth, draft.id).expect(200);
    const early = await t
      .http()
      .post(`/api/v1/applications/${draft.id}/formal-check`)
      .set(t.auth('officer'))
      .send({ outcome: 'eligible' })
      .expect(409);
    expect(early.body.code).toBe('LETTER_OF_INTENT_NOT_ACCEPTED');
    // only an officer accepts it
    await t.http().post(`${letterUrl}/accept`).set(lead.auth).expect(403);
    const accepted = await t.http().post(`${letterUrl}/accept`).set(t.auth('officer')).expect(200);
    expect(member(accepted.body, c)).toMatchObject({ status: 'CONFIRMED', consentBasis: 'LETTER_OF_INTENT' });
    await t.http().post(`${letterUrl}/accept`).set(t.auth('officer')).expect(409);
    await t.http().post(`/api/v1/applications/${draft.id}/formal-check`).set(t.auth('officer')).send({ outcome: 'eligible' }).expect(200);
    expect((await audits(consortium.id, 'consortium.letter_of_intent_accepted'))[0].actor).toBe(t.userIds.officer);
    expect(await audits(consortium.id, 'consortium.letter_of_intent_submitted')).toHaveLength(1);
  });
});
