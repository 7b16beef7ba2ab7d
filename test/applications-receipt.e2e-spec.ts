import { createTestApp, TestApp } from './support/app';
import { applicantFor, completeDraft, createCall, createConsortium, createDraft } from './support/fixtures';
import { startSmtpServer, SmtpTestServer } from './support/smtp';

/**
 * The receipt (kvittering) goes through the real notification pipeline (outbox → queue → SMTP) to the consortium's
 * contact persons, in the written language of the lead municipality: Volda has chosen nynorsk; Oslo is "nøytral",
 * which a state body writes to in bokmål. The other members' language does not matter.
 */
describe('applications: receipt in the lead municipality’s language', () => {
  let t: TestApp;
  let smtp: SmtpTestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, NOTIFY_RELAY_INTERVAL_MS: '200' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('Volda (nynorsk) gets a nynorsk receipt, Oslo (nøytral) a bokmål one, each to every contact person', async () => {
    const call = await createCall(t); // INNFORING: Helse Midt-Norge municipalities like Volda may apply
    const volda = await applicantFor(t, '1577');
    const voldaConsortium = await createConsortium(t, volda.auth, '1577', ['1577', '1520'], 'Sunnmøre-samarbeidet'); // Ørsta (1520) is nynorsk too
    const oslo = await createConsortium(t, t.auth('applicant2'), '0301', ['0301', '4631'], 'Hovedstadssamarbeidet'); // Alver (4631) is nynorsk; the lead decides

    const voldaDraft = await createDraft(
      t,
      volda.auth,
      completeDraft(call.id, voldaConsortium.id, 'INNFORING', {
        title: 'Felles journal på Sunnmøre',
        contactPersons: [
          { name: 'Sigrid Søre', email: 'sigrid@volda.test' },
          { name: 'Ola Ørsta', email: 'ola@orsta.test' },
        ],
      }),
    );
    const osloDraft = await createDraft(
      t,
      t.auth('applicant2'),
      completeDraft(call.id, oslo.id, 'INNFORING', {
        title: 'Journal i hovedstaden',
        contactPersons: [{ name: 'Per Oslo', email: 'per@oslo.test' }],
      }),
    );
    const v = await t.http().post(`/api/v1/applications/${voldaDraft.id}/submit`).set(volda.auth).expect(200);
    const o = await t.http().post(`/api/v1/applications/${osloDraft.id}/submit`).set(t.auth('applicant2')).expect(200);

    await smtp.waitFor(3, 30000);
    const [sigrid] = smtp.to('sigrid@volda.test');
    const [ola] = smtp.to('ola@orsta.test');
    const [per] = smtp.to('per@oslo.test');

    expect(sigrid.subject).toBe(`Kvittering for søknad ${v.body.caseNumber}: Felles journal på Sunnmøre`);
    expect(sigrid.text).toContain('Hei Sigrid Søre,');
    expect(sigrid.text).toContain(
      'Vi har motteke søknaden «Felles journal på Sunnmøre» frå Sunnmøre-samarbeidet til utlysinga «Testutlysing INNFORING».',
    );
    expect(sigrid.text).toContain(`Saksnummer: ${v.body.caseNumber}`);
    expect(sigrid.text).toContain('Søkt beløp: 1\u00a0000\u00a0000\u00a0kr');
    expect(sigrid.text).toContain('Med venleg helsing');
    expect(sigrid.html).toContain('frå Sunnmøre-samarbeidet');
    expect(ola.text).toContain('Hei Ola Ørsta,');
    expect(ola.text).toContain('Vi har motteke søknaden');

    expect(per.subject).toBe(`Kvittering for søknad ${o.body.caseNumber}: Journal i hovedstaden`);
    expect(per.text).toContain(
      'Vi har mottatt søknaden «Journal i hovedstaden» fra Hovedstadssamarbeidet til utlysningen «Testutlysning INNFORING».',
    );
    expect(per.text).toContain('Omsøkt beløp: 1\u00a0000\u00a0000\u00a0kr');
    expect(per.text).toContain('Med vennlig hilsen');
    expect(per.text).not.toContain('motteke');

    const rows = await t.dataSource.query(
      `SELECT recipient_email, language FROM notification WHERE event = 'application.submitted' ORDER BY recipient_email`,
    );
    expect(rows).toEqual([
      { recipient_email: 'ola@orsta.test', language: 'nn' },
      { recipient_email: 'per@oslo.test', language: 'nb' },
      { recipient_email: 'sigrid@volda.test', language: 'nn' },
    ]);

    // the formal check's answer follows the same rule
    await t
      .http()
      .post(`/api/v1/applications/${voldaDraft.id}/formal-check`)
      .set(t.auth('officer'))
      .send({ outcome: 'rejected', reason: 'Manglar vedtak frå Ørsta kommunestyre.' })
      .expect(200);
    await smtp.waitFor(5, 30000);
    const rejection = smtp.to('sigrid@volda.test').find((m) => m.subject.includes('avvist'))!;
    expect(rejection.subject).toBe(`Søknad ${v.body.caseNumber} er avvist`);
    expect(rejection.text).toContain('oppfyller ikkje dei formelle krava i utlysinga og er avvist.');
    expect(rejection.text).toContain('Grunngiving: Manglar vedtak frå Ørsta kommunestyre.');
    expect(rejection.text).toContain('forvaltningsloven § 29');
  });
});
