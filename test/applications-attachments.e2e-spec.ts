import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline, Readable, Transform } from 'node:stream';
import { Logger } from '@nestjs/common';
import { FileStorage } from '../src/storage/storage.port';
import { createTestApp, TestApp } from './support/app';
import {
  applicantFor,
  Auth,
  completeDraft,
  createCall,
  createConsortium,
  createDraft,
  docxBytes,
  MunicipalityPool,
  officeZip,
  pdfBytes,
} from './support/fixtures';

const LIMIT = 64 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every file under a directory, recursively (the upload store). */
function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  for (const e of entries) {
    const p = join(dir, e);
    out = statSync(p).isDirectory() ? out.concat(filesUnder(p)) : out.concat(p);
  }
  return out;
}

describe('applications: attachments', () => {
  let t: TestApp;
  let pool: MunicipalityPool;
  let call: { id: string };
  let uploads: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { MAX_UPLOAD_BYTES: String(LIMIT) } });
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
    call = await createCall(t);
    uploads = join(t.dataDir, 'uploads');
    await new Promise<void>((resolve) => t.app.getHttpServer().listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(() => t.close());

  async function draft(): Promise<{ id: string; auth: Auth }> {
    const members = pool.take(2);
    const user = await applicantFor(t, members[0]);
    const consortium = await createConsortium(t, user.auth, members[0], members);
    const d = await createDraft(t, user.auth, completeDraft(call.id, consortium.id));
    return { id: d.id, auth: user.auth };
  }
  const upload = (d: { id: string; auth: Auth }, bytes: Buffer, filename: string, contentType = 'application/octet-stream') =>
    t
      .http()
      .post(`/api/v1/applications/${d.id}/attachments`)
      .set(d.auth)
      .field('description', 'vedlegg')
      .attach('file', bytes, { filename, contentType });

  it('stores PDF and Office files with their SHA-256, and gives back exactly the same bytes', async () => {
    const d = await draft();
    const pdf = pdfBytes(5000);
    const res = await upload(d, pdf, 'Gevinstkart 2026.pdf').expect(201);
    expect(res.body).toMatchObject({
      filename: 'Gevinstkart 2026.pdf',
      fileType: 'pdf',
      contentType: 'application/pdf',
      sizeBytes: 5000,
      sha256: sha256(pdf),
      description: 'vedlegg',
    });
    const docx = await upload(d, docxBytes(), 'Prosjektplan.docx').expect(201);
    expect(docx.body.fileType).toBe('docx');
    const xls = await upload(
      d,
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]),
      'budsjett.xls',
    ).expect(201);
    expect(xls.body).toMatchObject({ fileType: 'xls', contentType: 'application/vnd.ms-excel' });

    const stored = filesUnder(uploads).map((f) => readFileSync(f));
    expect(stored.map(sha256)).toEqual(expect.arrayContaining([sha256(pdf), sha256(docxBytes())]));

    const back = await t
      .http()
      .get(`/api/v1/applications/${d.id}/attachments/${res.body.id}`)
      .set(t.auth('officer'))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(back.body as Buffer, pdf)).toBe(0);
    expect(back.headers['content-type']).toBe('application/pdf');
    expect(back.headers['x-content-type-options']).toBe('nosniff');
    expect(back.headers['repr-digest']).toBe(`sha-256=:${createHash('sha256').update(pdf).digest('base64')}:`);
    expect(back.headers['content-disposition']).toBe(
      `attachment; filename="Gevinstkart 2026.pdf"; filename*=UTF-8''Gevinstkart%202026.pdf`,
    );

    const view = await t.http().get(`/api/v1/applications/${d.id}`).set(d.auth).expect(200);
    expect(view.body.content.attachments.map((a: { filename: string; sha256: string }) => [a.filename, a.sha256])).toEqual([
      ['Gevinstkart 2026.pdf', sha256(pdf)],
      ['Prosjektplan.docx', sha256(docxBytes())],
      ['budsjett.xls', xls.body.sha256],
    ]);
  });

  it('keeps only the base name of what the client sends, and names the download safely for any characters', async () => {
    const d = await draft();
    const names: Array<[string, string, string]> = [
      [
        "Kari's søknad (v2)*.pdf",
        "attachment; filename=\"Kari's s_knad (v2)*.pdf\"; filename*=UTF-8''Kari%27s%20s%C3%B8knad%20%28v2%29%2A.pdf",
        "Kari's søknad (v2)*.pdf",
      ],
      [
        '..\\..\\windows\\Ærlig "plan".pdf',
        'attachment; filename="_rlig _plan_.pdf"; filename*=UTF-8\'\'%C3%86rlig%20%22plan%22.pdf',
        'Ærlig "plan".pdf',
      ],
      ['../../etc/passwd.pdf', 'attachment; filename="passwd.pdf"; filename*=UTF-8\'\'passwd.pdf', 'passwd.pdf'],
    ];
    for (const [sent, header, stored] of names) {
      const res = await upload(d, pdfBytes(), sent).expect(201);
      expect(res.body.filename).toBe(stored);
      const back = await t.http().get(`/api/v1/applications/${d.id}/attachments/${res.body.id}`).set(d.auth).expect(200);
      expect(back.headers['content-disposition']).toBe(header);
    }
  });

  it('refuses a file whose content is not what its name claims, whatever Content-Type the client sends; nothing is kept', async () => {
    const d = await draft();
    const before = filesUnder(uploads).length;
    const cases: Array<[Buffer, string, string, string]> = [
      [docxBytes(), 'rapport.pdf', 'CONTENT_DOES_NOT_MATCH_NAME', 'rapport.pdf is named .pdf, but its content is a Word document (docx)'],
      [pdfBytes(), 'budsjett.xlsx', 'CONTENT_DOES_NOT_MATCH_NAME', 'budsjett.xlsx is named .xlsx, but its content is a PDF document'],
      [
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
        'bilde.pdf',
        'CONTENT_DOES_NOT_MATCH_NAME',
        'bilde.pdf is named .pdf, but its content is not a PDF or Office document',
      ],
      [
        officeZip(['virus.exe']),
        'plan.docx',
        'CONTENT_DOES_NOT_MATCH_NAME',
        'plan.docx is named .docx, but its content is not a PDF or Office document',
      ],
      [
        Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('MZ'), Buffer.alloc(4096, 0x90)]),
        'innpakket.pdf',
        'CONTENT_DOES_NOT_MATCH_NAME',
        'innpakket.pdf is named .pdf, but its content is not a PDF or Office document',
      ],
      [
        pdfBytes(),
        'program.exe',
        'UNSUPPORTED_FILE_TYPE',
        'program.exe is not a PDF or Office document; accepted are .pdf, .docx, .xlsx, .pptx, .doc, .xls, .ppt',
      ],
    ];
    for (const [bytes, name, code, message] of cases) {
      const res = await upload(d, bytes, name, 'application/pdf').expect(415);
      expect(res.body).toMatchObject({ status: 415, code, errors: [{ field: 'file', code, message }] });
    }
    expect(filesUnder(uploads)).toHaveLength(before);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM application_attachment WHERE application_id = $1`, [d.id]);
    expect(n).toBe(0);
    const missing = await t
      .http()
      .post(`/api/v1/applications/${d.id}/attachments`)
      .set(d.auth)
      .field('description', 'uten fil')
      .expect(400);
    expect(missing.body.errors[0]).toMatchObject({ field: 'file', code: 'FILE_MISSING' });
  });

  it('takes a file of exactly the limit and refuses one byte more with 413', async () => {
    const d = await draft();
    await upload(d, pdfBytes(LIMIT), 'akkurat.pdf').expect(201);
    const before = filesUnder(uploads).length;
    const res = await upload(d, pdfBytes(LIMIT + 1), 'en-byte-for-mye.pdf').expect(413);
    expect(res.body).toMatchObject({
      code: 'FILE_TOO_LARGE',
      errors: [{ field: 'file', code: 'FILE_TOO_LARGE', message: `the file is larger than the upload limit of ${LIMIT} bytes` }],
    });
    expect(filesUnder(uploads)).toHaveLength(before);
  });

  it('refuses a body declared far over the limit before reading it: the 413 arrives while 99 % is still unsent', async () => {
    const d = await draft();
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const declared = 50 * 1024 * 1024;
    const head = Buffer.from(
      `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="stor.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
    );
    let sent = 0;
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: `/api/v1/applications/${d.id}/attachments`,
          headers: { ...d.auth, 'content-type': 'multipart/form-data; boundary=XyZ', 'content-length': declared },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode!, body });
          });
        },
      );
      req.on('error', (e) => (sent < declared ? undefined : reject(e)));
      const chunk = Buffer.concat([head, Buffer.alloc(64 * 1024 - head.length, 0x20)]);
      req.write(chunk);
      sent += chunk.length;
      // and then nothing more: the answer must come without the rest of the body
    });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'FILE_TOO_LARGE' });
    expect(sent).toBeLessThan(declared / 100);
  });

  it('cuts off a chunked body (no declared length) at the limit: storage never receives more than limit + 1 bytes of it', async () => {
    const d = await draft();
    const storage = t.app.get(FileStorage);
    const write = storage.write.bind(storage);
    let received = 0;
    const spy = jest.spyOn(storage, 'write').mockImplementation((source: Readable) => {
      const counting = new Transform({
        transform(chunk: Buffer, _enc, done) {
          received += chunk.length;
          done(null, chunk);
        },
      });
      return write(source.pipe(counting));
    });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const total = 20 * 1024 * 1024;
    const before = filesUnder(uploads).length;
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            port,
            host: '127.0.0.1',
            method: 'POST',
            path: `/api/v1/applications/${d.id}/attachments`,
            headers: { ...d.auth, 'content-type': 'multipart/form-data; boundary=XyZ' },
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode!));
          },
        );
        req.on('error', reject);
        (async () => {
          const write = (b: Buffer) => new Promise<void>((ok) => (req.write(b) ? ok() : req.once('drain', () => ok())));
          await write(
            Buffer.from(
              `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="stor.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
            ),
          );
          const chunk = Buffer.alloc(256 * 1024, 0x20);
          for (let sent = 0; sent < total; sent += chunk.length) await write(chunk);
          await write(Buffer.from('\r\n--XyZ--\r\n'));
          req.end();
        })().catch(reject);
      });
      expect(status).toBe(413);
    } finally {
      spy.mockRestore();
    }
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(LIMIT + 1);
    expect(filesUnder(uploads)).toHaveLength(before);
  });

  it('a client that gives up mid-upload leaves no file, and is logged as a client error, not as a server error', async () => {
    const d = await draft();
    const storage = t.app.get(FileStorage);
    const write = storage.write.bind(storage);
    let received = 0;
    let settled: Promise<unknown> = Promise.resolve();
    const spy = jest.spyOn(storage, 'write').mockImplementation((source: Readable) => {
      const counting = new Transform({
        transform(chunk: Buffer, _enc, done) {
          received += chunk.length;
          done(null, chunk);
        },
      });
      // pipeline, not pipe: the source's failure must reach storage as it would without the spy
      const p = write(pipeline(source, counting, () => undefined));
      settled = p.catch(() => undefined);
      return p;
    });
    const errors = jest.spyOn(Logger.prototype, 'error');
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const before = filesUnder(uploads).length;
    try {
      await new Promise<void>((resolve) => {
        const req = httpRequest({
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: `/api/v1/applications/${d.id}/attachments`,
          headers: { ...d.auth, 'content-type': 'multipart/form-data; boundary=XyZ', 'content-length': 40 * 1024 },
        });
        req.on('error', () => resolve());
        req.write(
          Buffer.concat([
            Buffer.from(
              `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="halv.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`,
            ),
            Buffer.alloc(8 * 1024, 0x20),
          ]),
        );
        // the client gives up once part of the file has reached storage
        const giveUp = () => (received > 0 ? req.destroy() : setTimeout(giveUp, 5));
        giveUp();
      });
      // the server notices the abort on its own time: wait (bounded) until storage has let go of the file and it is logged
      const deadline = Date.now() + 10_000;
      let storageDone = false;
      void settled.then(() => (storageDone = true));
      while (Date.now() < deadline && !(storageDone && filesUnder(uploads).length === before && warnings.mock.calls.length > 0))
        await new Promise((r) => setTimeout(r, 20));
      expect(storageDone).toBe(true);
      expect(filesUnder(uploads)).toHaveLength(before);
      expect(errors).not.toHaveBeenCalled();
      expect(warnings.mock.calls.map((c) => JSON.stringify(c))).toEqual([expect.stringMatching(/UPLOAD_ABORTED/)]);
    } finally {
      spy.mockRestore();
      errors.mockRestore();
      warnings.mockRestore();
    }
  });

  it('only for the consortium, only while editable; a submitted file stays with its version', async () => {
    const d = await draft();
    const theirs = await upload(d, pdfBytes(), 'plan.pdf').expect(201);
    // someone else's application: 404 before a byte of the upload is read, and no download either
    await t
      .http()
      .post(`/api/v1/applications/${d.id}/attachments`)
      .set(t.auth('applicant2'))
      .attach('file', pdfBytes(), 'x.pdf')
      .expect(404);
    await t.http().get(`/api/v1/applications/${d.id}/attachments/${theirs.body.id}`).set(t.auth('applicant2')).expect(404);
    await t.http().post(`/api/v1/applications/${d.id}/attachments`).set(t.auth('officer')).attach('file', pdfBytes(), 'x.pdf').expect(403);

    const extra = await upload(d, pdfBytes(3000), 'utkast.pdf').expect(201);
    await t.http().delete(`/api/v1/applications/${d.id}/attachments/${extra.body.id}`).set(d.auth).expect(204);
    expect(filesUnder(uploads).map((f) => sha256(readFileSync(f)))).not.toContain(extra.body.sha256);

    const submitted = await t.http().post(`/api/v1/applications/${d.id}/submit`).set(d.auth).expect(200);
    expect(submitted.body.content.attachments).toEqual([
      {
        id: theirs.body.id,
        filename: 'plan.pdf',
        fileType: 'pdf',
        contentType: 'application/pdf',
        sizeBytes: theirs.body.sizeBytes,
        sha256: theirs.body.sha256,
      },
    ]);
    const frozen = await upload(d, pdfBytes(), 'for-sent.pdf').expect(409);
    expect(frozen.body.code).toBe('APPLICATION_FROZEN');
    await t.http().delete(`/api/v1/applications/${d.id}/attachments/${theirs.body.id}`).set(d.auth).expect(409);

    // returned for completion, the file is dropped from the new draft but kept for version 1
    await t.http().post(`/api/v1/applications/${d.id}/return`).set(t.auth('officer')).send({ reason: 'Ny plan trengs' }).expect(200);
    await t.http().delete(`/api/v1/applications/${d.id}/attachments/${theirs.body.id}`).set(d.auth).expect(204);
    const draftNow = await t.http().get(`/api/v1/applications/${d.id}`).set(d.auth).expect(200);
    expect(draftNow.body.content.attachments).toEqual([]);
    await t.http().get(`/api/v1/applications/${d.id}/attachments/${theirs.body.id}`).set(t.auth('officer')).expect(200);
    const v1 = await t.http().get(`/api/v1/applications/${d.id}/versions/1`).set(d.auth).expect(200);
    expect(v1.body.content.attachments.map((a: { id: string }) => a.id)).toEqual([theirs.body.id]);

    // the database keeps the row behind version 1 as it was submitted, even against direct writes
    const id = theirs.body.id;
    await expect(t.dataSource.query(`UPDATE application_attachment SET sha256 = repeat('0', 64) WHERE id = $1`, [id])).rejects.toThrow(
      /submitted version 1/,
    );
    await expect(
      t.dataSource.query(`UPDATE application_attachment SET removed_at = now() + interval '1 day' WHERE id = $1`, [id]),
    ).rejects.toThrow(/submitted version 1/);
    await expect(t.dataSource.query(`DELETE FROM application_attachment WHERE id = $1`, [id])).rejects.toThrow(/submitted version 1/);
    const [row] = await t.dataSource.query(`SELECT sha256 FROM application_attachment WHERE id = $1`, [id]);
    expect(row.sha256).toBe(theirs.body.sha256);
  });
});

describe('applications: attachment quotas per application', () => {
  const MAX_FILES = 3;
  const MAX_BYTES = 10 * 1024;
  let t: TestApp;
  let pool: MunicipalityPool;
  beforeAll(async () => {
    t = await createTestApp({
      env: { MAX_ATTACHMENTS_PER_APPLICATION: String(MAX_FILES), MAX_ATTACHMENT_BYTES_PER_APPLICATION: String(MAX_BYTES) },
    });
    pool = await MunicipalityPool.create(t, { excludeRegions: ['Helse Midt-Norge'] });
  });
  afterAll(() => t.close());

  async function draft(): Promise<{ id: string; auth: Auth }> {
    const call = await createCall(t);
    const members = pool.take(2);
    const user = await applicantFor(t, members[0]);
    const consortium = await createConsortium(t, user.auth, members[0], members);
    const d = await createDraft(t, user.auth, completeDraft(call.id, consortium.id));
    return { id: d.id, auth: user.auth };
  }
  const upload = (d: { id: string; auth: Auth }, bytes: Buffer, filename: string) =>
    t
      .http()
      .post(`/api/v1/applications/${d.id}/attachments`)
      .set(d.auth)
      .attach('file', bytes, { filename, contentType: 'application/pdf' });
  const stored = () => filesUnder(join(t.dataDir, 'uploads')).length;

  it('refuses the file after the last one the count allows with 409 TOO_MANY_ATTACHMENTS, storing nothing; a removal makes room', async () => {
    const d = await draft();
    const ids: string[] = [];
    for (let i = 0; i < MAX_FILES; i++) ids.push((await upload(d, pdfBytes(1000), `del-${i}.pdf`).expect(201)).body.id);
    const before = stored();
    const res = await upload(d, pdfBytes(1000), 'en-for-mye.pdf').expect(409);
    expect(res.body).toMatchObject({
      code: 'TOO_MANY_ATTACHMENTS',
      errors: [
        {
          field: 'file',
          code: 'TOO_MANY_ATTACHMENTS',
          message: `the application already has 3 attachments, the most it may have is 3; remove one first`,
        },
      ],
    });
    expect(stored()).toBe(before);
    await t.http().delete(`/api/v1/applications/${d.id}/attachments/${ids[0]}`).set(d.auth).expect(204);
    await upload(d, pdfBytes(1000), 'na-er-det-plass.pdf').expect(201);
  });

  it('refuses a file that would take the total over the byte quota with 413 ATTACHMENT_QUOTA_EXCEEDED, storing nothing', async () => {
    const d = await draft();
    await upload(d, pdfBytes(6 * 1024), 'stor.pdf').expect(201);
    const before = stored();
    const res = await upload(d, pdfBytes(5 * 1024), 'for-mye.pdf').expect(413);
    expect(res.body).toMatchObject({ code: 'ATTACHMENT_QUOTA_EXCEEDED', errors: [{ field: 'file', code: 'ATTACHMENT_QUOTA_EXCEEDED' }] });
    expect(res.body.errors[0].message).toBe(
      `the application's attachments would take ${11 * 1024} bytes together, more than its quota of ${MAX_BYTES} bytes`,
    );
    expect(stored()).toBe(before);
    // exactly up to the quota is fine
    await upload(d, pdfBytes(4 * 1024), 'akkurat.pdf').expect(201);
    expect((await upload(d, pdfBytes(100), 'liten.pdf').expect(413)).body.code).toBe('ATTACHMENT_QUOTA_EXCEEDED');
  });

  it('counts per application: one full draft does not stop another', async () => {
    const full = await draft();
    for (let i = 0; i < MAX_FILES; i++) await upload(full, pdfBytes(500), `f-${i}.pdf`).expect(201);
    await upload(full, pdfBytes(500), 'x.pdf').expect(409);
    await upload(await draft(), pdfBytes(500), 'annen.pdf').expect(201);
  });
});
