import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kroner, MailTemplates, osloDate } from './templates';

const template = (subject: string, html: string, text: string) =>
  `=== subject ===\n${subject}\n=== html ===\n${html}\n=== text ===\n${text}\n`;

describe('mail templates: the start-up check', () => {
  let dir: string;
  let templates: MailTemplates;
  const write = (name: string, body: string) => writeFileSync(join(dir, name), body);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hto-templates-'));
    templates = new MailTemplates(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

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
    expect(templates.check('decision', ['caseNumber', 'granted', 'amount', 'deadline'])).toEqual([]);
    const mail = templates.render('decision', 'nn', {
      recipientName: 'Ola <Admin>',
      caseNumber: 'HTO-1',
      granted: true,
      amount: 125000050,
      deadline: '2025-12-31T22:59:00Z',
    });
    expect(mail.subject).toBe('Vedtak HTO-1');
    expect(mail.html).toBe('<p>Hei Ola &lt;Admin&gt;, innvilga kr 1 250 000,50</p>');
    expect(mail.text).toBe('Frist 31.12.2025\n');
  });

  it('names a missing language file and a missing section', () => {
    write('receipt.nb.hbs', '=== subject ===\nKvittering\n=== text ===\nMottatt\n');
    const problems = templates.check('receipt', []);
    expect(problems).toEqual([
      expect.stringMatching(/receipt\.nb\.hbs: missing or empty section\(s\) "=== html ==="/),
      expect.stringMatching(/receipt\.nn\.hbs is missing/),
    ]);
  });

  it('finds undeclared and unused variables in each language, looking through helpers and blocks', () => {
    const both = template('{{title}}', '{{#each rows}}{{label}} {{@root.total}}{{/each}}', '{{date due}} {{kroner (lookup amounts 0)}}');
    write('x.nb.hbs', both);
    write('x.nn.hbs', both);
    expect(templates.check('x', ['title', 'rows', 'total', 'due', 'amounts'])).toEqual([]);
    const problems = new MailTemplates(dir).check('x', ['title', 'rows', 'due']);
    expect(problems).toEqual([
      expect.stringMatching(/x\.nb\.hbs uses "total", "amounts", not declared/),
      expect.stringMatching(/x\.nn\.hbs uses "total", "amounts", not declared/),
    ]);
  });

  it('reports a variable the nynorsk file forgot', () => {
    write('y.nb.hbs', template('{{a}}', '{{b}}', '{{a}}'));
    write('y.nn.hbs', template('{{a}}', '{{a}}', '{{a}}'));
    expect(new MailTemplates(dir).check('y', ['a', 'b'])).toEqual([
      expect.stringMatching(/y\.nn\.hbs does not use declared variable\(s\) "b"/),
    ]);
  });

  it('escapes user data in the HTML part only, and keeps the subject one line', () => {
    const both = template('Søknad {{title}}', '<p>Søknad <strong>{{title}}</strong> fra {{recipientName}}</p>', 'Søknad «{{title}}»');
    write('receipt.nb.hbs', both);
    write('receipt.nn.hbs', both);
    expect(templates.check('receipt', ['title'])).toEqual([]);
    const title = `<script>alert("x")</script> & Co\r\nBcc: victim@example.no`;
    const mail = templates.render('receipt', 'nb', { title, recipientName: 'Kari <b>' });
    expect(mail.html).toBe(
      '<p>Søknad <strong>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co\r\nBcc: victim@example.no</strong> fra Kari &lt;b&gt;</p>',
    );
    expect(mail.text).toBe(`Søknad «${title}»\n`);
    expect(mail.subject).toBe('Søknad <script>alert("x")</script> & Co Bcc: victim@example.no');
  });

  it('refuses a template that writes a value unescaped into HTML', () => {
    write('raw.nb.hbs', template('{{title}}', '<p>{{{title}}}</p>', '{{{title}}}'));
    write('raw.nn.hbs', template('{{title}}', '<p>{{#if title}}{{& title}}{{/if}}</p>', '{{title}}'));
    expect(templates.check('raw', ['title'])).toEqual([
      expect.stringMatching(/raw\.nb\.hbs writes "title" unescaped into HTML/),
      expect.stringMatching(/raw\.nn\.hbs writes "title" unescaped into HTML/),
    ]);
    expect(() => templates.render('raw', 'nb', { title: '<script>' })).toThrow(/was not checked/);
  });

  it('rejects unknown helpers and partials', () => {
    write('z.nb.hbs', template('{{shout name}}', 'x', 'x'));
    write('z.nn.hbs', template('{{> header}}', 'x', 'x'));
    const problems = templates.check('z', ['name']);
    expect(problems[0]).toMatch(/unknown helper "shout"/);
    expect(problems[1]).toMatch(/partials/);
  });
});

describe('template helpers', () => {
  it('formats øre as kroner with integer arithmetic', () => {
    expect(kroner(0)).toBe('kr 0,00');
    expect(kroner('900719925474099312')).toBe('kr 9 007 199 254 740 993,12');
    expect(kroner(-5)).toBe('-kr 0,05');
  });
  it('formats dates in Oslo time', () => {
    expect(osloDate('2025-06-30T22:30:00Z')).toBe('01.07.2025');
    expect(() => osloDate('soon')).toThrow(/not a date/);
  });
});
