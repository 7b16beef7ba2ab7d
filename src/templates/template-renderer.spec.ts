import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TemplateRenderer } from './template-renderer';

const template = (subject: string, html: string, text: string) =>
  `=== subject ===\n${subject}\n=== html ===\n${html}\n=== text ===\n${text}\n`;

describe('template renderer: mail templates and the start-up check', () => {
  let root: string;
  let templates: TemplateRenderer;
  const write = (name: string, body: string) => writeFileSync(join(root, 'mail', name), body);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hto-templates-'));
    mkdirSync(join(root, 'mail'));
    templates = new TemplateRenderer(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('accepts a template pair that uses exactly the declared variables, and renders it', () => {
    write(
      'decision.nb.hbs',
      template(
        'Vedtak {{caseNumber}}',
        '<p>Hei {{recipientName}}, {{#if granted}}innvilget {{kroner amount}}{{/if}}</p>',
        'Frist {{date deadline}}',
      ),
    );
    write(
      'decision.nn.hbs',
      template(
        'Vedtak {{caseNumber}}',
        '<p>Hei {{recipientName}}, {{#if granted}}innvilga {{kroner amount}}{{/if}}</p>',
        'Frist {{date deadline}}',
      ),
    );
    expect(templates.check('mail', 'decision', ['caseNumber', 'granted', 'amount', 'deadline'])).toEqual([]);
    const mail = templates.renderMail('decision', 'nn', {
      recipientName: 'Ola <Admin>',
      caseNumber: 'HTO-1',
      granted: true,
      amount: 125000050,
      deadline: '2025-12-31T22:59:00Z',
    });
    expect(mail.subject).toBe('Vedtak HTO-1');
    expect(mail.html).toBe('<p>Hei Ola &lt;Admin&gt;, innvilga 1\u00a0250\u00a0000,50\u00a0kr</p>');
    // 22:59 UTC on New Year's Eve is 23:59 in Oslo: still the 31st
    expect(mail.text).toBe('Frist 31. desember 2025\n');
  });

  it('names a missing language file and a missing section', () => {
    write('receipt.nb.hbs', '=== subject ===\nKvittering\n=== text ===\nMottatt\n');
    const problems = templates.check('mail', 'receipt', []);
    expect(problems).toEqual([
      expect.stringMatching(/receipt\.nb\.hbs: missing or empty section\(s\) "=== html ==="/),
      expect.stringMatching(/receipt\.nn\.hbs is missing/),
    ]);
  });

  it('finds undeclared and unused variables in each language, looking through helpers and blocks', () => {
    const both = template('{{title}}', '{{#each rows}}{{label}} {{@root.total}}{{/each}}', '{{date due}} {{kroner (lookup amounts 0)}}');
    write('x.nb.hbs', both);
    write('x.nn.hbs', both);
    expect(templates.check('mail', 'x', ['title', 'rows', 'total', 'due', 'amounts'])).toEqual([]);
    const problems = new TemplateRenderer(root).check('mail', 'x', ['title', 'rows', 'due']);
    expect(problems).toEqual([
      expect.stringMatching(/x\.nb\.hbs uses "total", "amounts", not declared/),
      expect.stringMatching(/x\.nn\.hbs uses "total", "amounts", not declared/),
    ]);
  });

  it('reports a variable the nynorsk file forgot', () => {
    write('y.nb.hbs', template('{{a}}', '{{b}}', '{{a}}'));
    write('y.nn.hbs', template('{{a}}', '{{a}}', '{{a}}'));
    expect(new TemplateRenderer(root).check('mail', 'y', ['a', 'b'])).toEqual([
      expect.stringMatching(/y\.nn\.hbs does not use declared variable\(s\) "b"/),
    ]);
  });

  it('escapes user data in the HTML part only, and keeps the subject one line', () => {
    const both = template('Søknad {{title}}', '<p>Søknad <strong>{{title}}</strong> fra {{recipientName}}</p>', 'Søknad «{{title}}»');
    write('receipt.nb.hbs', both);
    write('receipt.nn.hbs', both);
    expect(templates.check('mail', 'receipt', ['title'])).toEqual([]);
    const title = `<script>alert("x")</script> & Co\r\nBcc: victim@example.no`;
    const mail = templates.renderMail('receipt', 'nb', { title, recipientName: 'Kari <b>' });
    expect(mail.html).toBe(
      '<p>Søknad <strong>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co\r\nBcc: victim@example.no</strong> fra Kari &lt;b&gt;</p>',
    );
    expect(mail.text).toBe(`Søknad «${title}»\n`);
    expect(mail.subject).toBe('Søknad <script>alert("x")</script> & Co Bcc: victim@example.no');
  });

  it('keeps the no-break spaces of an amount in the subject while folding every other run of white space', () => {
    const both = template('Tilskot {{kroner amount}} til {{title}}', '<p>{{kroner amount}}</p>', '{{kroner amount}}');
    write('grant.nb.hbs', both);
    write('grant.nn.hbs', both);
    expect(templates.check('mail', 'grant', ['amount', 'title'])).toEqual([]);
    const mail = templates.renderMail('grant', 'nb', { amount: 125_000_000, title: 'Trygg\r\n\theime', recipientName: 'x' });
    expect(mail.subject).toBe('Tilskot 1\u00a0250\u00a0000\u00a0kr til Trygg heime');
  });

  it('refuses a template that writes a value unescaped into HTML', () => {
    write('raw.nb.hbs', template('{{title}}', '<p>{{{title}}}</p>', '{{{title}}}'));
    write('raw.nn.hbs', template('{{title}}', '<p>{{#if title}}{{& title}}{{/if}}</p>', '{{title}}'));
    expect(templates.check('mail', 'raw', ['title'])).toEqual([
      expect.stringMatching(/raw\.nb\.hbs writes "title" unescaped into HTML/),
      expect.stringMatching(/raw\.nn\.hbs writes "title" unescaped into HTML/),
    ]);
    expect(() => templates.renderMail('raw', 'nb', { title: '<script>' })).toThrow(/was not checked/);
  });

  it('rejects unknown helpers and partials', () => {
    write('z.nb.hbs', template('{{shout name}}', 'x', 'x'));
    write('z.nn.hbs', template('{{> header}}', 'x', 'x'));
    const problems = templates.check('mail', 'z', ['name']);
    expect(problems[0]).toMatch(/unknown helper "shout"/);
    expect(problems[1]).toMatch(/partials/);
  });
});

describe('template renderer: letters', () => {
  let root: string;
  let templates: TemplateRenderer;
  const write = (name: string, body: string) => writeFileSync(join(root, 'letters', name), body);
  const letter = (verb: string) =>
    [
      '<!doctype html>',
      '<html lang="{{lang}}"><body>',
      `<h1>Vedtak i sak {{caseNumber}}</h1>`,
      `<p>{{applicant}} er ${verb} {{kroner amountOre}}. Frist for å svare: {{date answerBy}}.</p>`,
      '<ul>{{#each lines}}<li>{{label}}: {{kroner amountOre}}</li>{{/each}}</ul>',
      '</body></html>',
    ].join('\n');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hto-letters-'));
    mkdirSync(join(root, 'letters'));
    templates = new TemplateRenderer(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('renders one HTML document per language with the shared helpers, user data escaped', () => {
    write('decision.nb.hbs', letter('innvilget'));
    write('decision.nn.hbs', letter('innvilga'));
    const variables = ['lang', 'caseNumber', 'applicant', 'amountOre', 'answerBy', 'lines'];
    expect(templates.check('letter', 'decision', variables)).toEqual([]);
    const data = {
      lang: 'nn',
      caseNumber: 'HTO-2026-0042',
      applicant: 'Volda & Ørsta <IKS>',
      amountOre: '125000000',
      answerBy: new Date('2026-11-29T22:59:00Z'),
      lines: [
        { label: 'Utbetaling 1', amountOre: 62_500_000 },
        { label: 'Utbetaling 2', amountOre: 62_500_000 },
      ],
    };
    const { html } = templates.renderLetter('decision', 'nn', data);
    expect(html).toBe(
      [
        '<!doctype html>',
        '<html lang="nn"><body>',
        '<h1>Vedtak i sak HTO-2026-0042</h1>',
        '<p>Volda &amp; Ørsta &lt;IKS&gt; er innvilga 1\u00a0250\u00a0000\u00a0kr. Frist for å svare: 29. november 2026.</p>',
        '<ul><li>Utbetaling 1: 625\u00a0000\u00a0kr</li><li>Utbetaling 2: 625\u00a0000\u00a0kr</li></ul>',
        '</body></html>\n',
      ].join('\n'),
    );
    expect(templates.renderLetter('decision', 'nb', data).html).toContain('er innvilget 1\u00a0250\u00a0000\u00a0kr');
    // a letter is not a mail: the same name under mail/ was never checked
    expect(() => templates.renderMail('decision', 'nb', data)).toThrow(/mail template decision\.nb was not checked/);
  });

  it('checks both languages at start-up like mail, and refuses mail sections and unescaped output in a letter', () => {
    write('refusal.nb.hbs', '<p>{{{reason}}}</p>');
    write('grant.nb.hbs', '=== subject ===\nx\n=== html ===\n<p>{{amount}}</p>\n=== text ===\nx\n');
    write('grant.nn.hbs', '<p>{{amount}} {{extra}}</p>');
    expect(templates.check('letter', 'refusal', ['reason'])).toEqual([
      expect.stringMatching(/letters\/refusal\.nb\.hbs writes "reason" unescaped into HTML/),
      expect.stringMatching(/letters\/refusal\.nn\.hbs is missing/),
    ]);
    expect(templates.check('letter', 'grant', ['amount'])).toEqual([
      expect.stringMatching(/grant\.nb\.hbs: a letter is one HTML document, without "=== … ===" sections/),
      expect.stringMatching(/grant\.nn\.hbs uses "extra", not declared/),
    ]);
    expect(() => templates.require('letter', 'grant', ['amount'])).toThrow(
      /The letter template "grant" is not usable:\n {2}- .*grant\.nb\.hbs/,
    );
    expect(() => templates.renderLetter('grant', 'nn', { amount: 1 })).toThrow(/not checked/);
  });
});

describe('template helpers', () => {
  const helpers = () => {
    const root = mkdtempSync(join(tmpdir(), 'hto-helpers-'));
    mkdirSync(join(root, 'letters'));
    for (const lang of ['nb', 'nn']) writeFileSync(join(root, 'letters', `h.${lang}.hbs`), '{{kroner amount}} | {{date when}}');
    const t = new TemplateRenderer(root);
    expect(t.check('letter', 'h', ['amount', 'when'])).toEqual([]);
    rmSync(root, { recursive: true, force: true });
    return (amount: unknown, when: unknown) => t.renderLetter('h', 'nb', { amount, when }).html.trim();
  };

  it('formats øre (number, bigint, or the string pg gives for bigint) and dates in Oslo time, one way', () => {
    const render = helpers();
    expect(render(0, '2025-06-30T22:30:00Z')).toBe('0\u00a0kr | 1. juli 2025');
    expect(render('900719925474099312', new Date('2026-11-29T12:00:00Z'))).toBe(
      '9\u00a0007\u00a0199\u00a0254\u00a0740\u00a0993,12\u00a0kr | 29. november 2026',
    );
    expect(render(-5, '2026-01-01T00:00:00+01:00')).toBe('-0,05\u00a0kr | 1. januar 2026');
    expect(() => render(12.5, '2026-01-01')).toThrow(/whole number of øre/);
    expect(() => render('12.5', '2026-01-01')).toThrow(/kroner helper: "12.5" is not a whole number of øre/);
    expect(() => render(1, 'soon')).toThrow(/not a date/);
  });
});
