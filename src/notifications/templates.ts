import Handlebars from 'handlebars';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Language } from './notification.types';

export const LANGUAGES: readonly Language[] = ['nb', 'nn'];
const SECTIONS = ['subject', 'html', 'text'] as const;
type Section = (typeof SECTIONS)[number];
const MARKER = /^=== (subject|html|text) ===\s*$/;

/** Given to every template without being declared: who the mail greets (the recipient's name, or the address). */
export const PIPELINE_VARIABLES = ['recipientName'] as const;

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

const OSLO_DATE = new Intl.DateTimeFormat('nb-NO', { timeZone: 'Europe/Oslo', day: '2-digit', month: '2-digit', year: 'numeric' });

/** Date or ISO string → 31.12.2025, in Norwegian time (a deadline at 23:59 Oslo time is that day, not the next in UTC). */
export function osloDate(value: unknown): string {
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) throw new Error(`date helper: "${String(value)}" is not a date`);
  return OSLO_DATE.format(d);
}

/** Whole øre → "kr 1 234 567,50", with integer arithmetic only. */
export function kroner(value: unknown): string {
  const ore = BigInt(value as string | number | bigint);
  const abs = ore < 0n ? -ore : ore;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${ore < 0n ? '-' : ''}kr ${whole},${cents}`;
}

const BUILT_IN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log']);
/** Helpers whose block body runs with a new `this`: names inside are the item's, not template variables. */
const SCOPING_HELPERS = new Set(['each', 'with']);

/**
 * Mail templates: templates/mail/{name}.{nb,nn}.hbs, each with a subject, an HTML and a plain-text section.
 * check() runs at start-up so a missing template, section or variable stops the service instead of a mail.
 */
export class MailTemplates {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<string, Record<Section, HandlebarsTemplateDelegate>>();
  private readonly helpers: Set<string>;

  constructor(readonly dir: string) {
    this.hbs.registerHelper('date', (v: unknown) => osloDate(v));
    this.hbs.registerHelper('kroner', (v: unknown) => kroner(v));
    this.helpers = new Set([...BUILT_IN_HELPERS, 'date', 'kroner']);
  }

  /**
   * Every problem with a template for the declared variables, as sentences naming the file; empty when all is well.
   * Compiles and caches the template as a side effect.
   */
  check(template: string, variables: readonly string[]): string[] {
    const problems: string[] = [];
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(template)) return [`template name "${template}" must be lower-case words joined by "-"`];
    const declared = new Set(variables);
    for (const v of PIPELINE_VARIABLES) if (declared.has(v)) problems.push(`"${v}" is supplied to every template; do not declare it`);
    for (const lang of LANGUAGES) {
      const file = join(this.dir, `${template}.${lang}.hbs`);
      if (!existsSync(file)) {
        problems.push(`${file} is missing`);
        continue;
      }
      let sections: Record<Section, string>;
      try {
        sections = splitSections(readFileSync(file, 'utf8'));
      } catch (e) {
        problems.push(`${file}: ${(e as Error).message}`);
        continue;
      }
      const used = new Set<string>();
      const unescaped: string[] = [];
      try {
        for (const s of SECTIONS) this.collect(Handlebars.parse(sections[s]), used, false, s === 'html' ? unescaped : undefined);
      } catch (e) {
        problems.push(`${file}: ${(e as Error).message}`);
        continue;
      }
      // values are user data (an application title, a name): in HTML they must be escaped, always
      if (unescaped.length)
        problems.push(`${file} writes ${unescaped.map((v) => `"${v}"`).join(', ')} unescaped into HTML ({{{…}}} or {{&…}}); use {{…}}`);
      for (const v of PIPELINE_VARIABLES) used.delete(v);
      const undeclared = [...used].filter((v) => !declared.has(v));
      const unused = [...declared].filter((v) => !used.has(v));
      if (undeclared.length)
        problems.push(`${file} uses ${undeclared.map((v) => `"${v}"`).join(', ')}, not declared in the event's variables`);
      if (unused.length) problems.push(`${file} does not use declared variable(s) ${unused.map((v) => `"${v}"`).join(', ')}`);
      if (!undeclared.length && !unused.length && !unescaped.length) {
        this.compiled.set(`${template}.${lang}`, {
          subject: this.hbs.compile(sections.subject, { noEscape: true }),
          html: this.hbs.compile(sections.html),
          text: this.hbs.compile(sections.text, { noEscape: true }),
        });
      }
    }
    return problems;
  }

  render(template: string, language: Language, data: Record<string, unknown>): RenderedMail {
    const t = this.compiled.get(`${template}.${language}`);
    if (!t) throw new Error(`template ${template}.${language} was not checked at start-up`);
    return {
      // a subject is one header line, whatever the data contained
      subject: t.subject(data).replace(/\s+/g, ' ').trim(),
      html: t.html(data).trim(),
      text: t.text(data).trim() + '\n',
    };
  }

  /** Adds the variables `node` reads to `used`; with `unescaped` (the HTML section), also lists output written unescaped. */
  private collect(node: hbs.AST.Node, used: Set<string>, scoped: boolean, unescaped?: string[]): void {
    switch (node.type) {
      case 'Program':
        for (const s of (node as hbs.AST.Program).body) this.collect(s, used, scoped, unescaped);
        return;
      case 'MustacheStatement':
      case 'SubExpression':
      case 'BlockStatement': {
        const n = node as unknown as Pick<hbs.AST.MustacheStatement, 'path' | 'params' | 'hash'> &
          Partial<Pick<hbs.AST.MustacheStatement, 'escaped'>> &
          Partial<Pick<hbs.AST.BlockStatement, 'program' | 'inverse'>>;
        const name = n.path.type === 'PathExpression' ? (n.path as hbs.AST.PathExpression).original : '';
        const isHelper = this.helpers.has(name);
        if (!isHelper && (n.params.length || n.hash?.pairs.length)) throw new Error(`unknown helper "${name}"`);
        if (node.type === 'MustacheStatement' && n.escaped === false) unescaped?.push(name);
        if (!isHelper) this.collect(n.path, used, scoped);
        for (const p of n.params) this.collect(p, used, scoped);
        for (const pair of n.hash?.pairs ?? []) this.collect(pair.value, used, scoped);
        // {{#each xs}} and {{#with x}} change `this`; a bare {{#xs}} section iterates too
        if (n.program) this.collect(n.program, used, scoped || SCOPING_HELPERS.has(name) || !isHelper, unescaped);
        if (n.inverse) this.collect(n.inverse, used, scoped, unescaped);
        return;
      }
      case 'PathExpression': {
        const p = node as hbs.AST.PathExpression;
        if (p.data) {
          if (p.parts[0] === 'root' && p.parts[1]) used.add(p.parts[1]);
          return;
        }
        if (!p.parts.length || (scoped && p.depth === 0)) return;
        used.add(p.parts[0]);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
      case 'DecoratorBlock':
      case 'Decorator':
        throw new Error('partials and decorators are not supported in mail templates');
      default:
        return; // content, comments, literals
    }
  }
}

function splitSections(source: string): Record<Section, string> {
  const out: Partial<Record<Section, string[]>> = {};
  let current: Section | undefined;
  for (const line of source.split(/\r?\n/)) {
    const m = MARKER.exec(line);
    if (m) {
      current = m[1] as Section;
      if (out[current]) throw new Error(`section "=== ${current} ===" appears twice`);
      out[current] = [];
    } else if (current) {
      out[current]!.push(line);
    } else if (line.trim()) {
      throw new Error('text before the first "=== subject ===" marker');
    }
  }
  const missing = SECTIONS.filter((s) => !out[s] || !out[s]!.join('').trim());
  if (missing.length) throw new Error(`missing or empty section(s) ${missing.map((s) => `"=== ${s} ==="`).join(', ')}`);
  return { subject: out.subject!.join('\n'), html: out.html!.join('\n'), text: out.text!.join('\n') };
}
