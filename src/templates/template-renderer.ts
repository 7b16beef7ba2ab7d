import Handlebars from 'handlebars';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatKroner } from '../common/money';
import { formatOsloDate } from '../common/oslo-time';
import { Language, LANGUAGES } from './language';

/** A mail has a subject, an HTML and a plain-text part; a letter is one HTML document (printed to PDF later). */
export type TemplateKind = 'mail' | 'letter';
const SECTIONS = ['subject', 'html', 'text'] as const;
type Section = (typeof SECTIONS)[number];
const SECTIONS_OF: Record<TemplateKind, readonly Section[]> = { mail: SECTIONS, letter: ['html'] };
const FOLDER: Record<TemplateKind, string> = { mail: 'mail', letter: 'letters' };
const MARKER = /^=== (subject|html|text) ===\s*$/;

/** Given to every mail template without being declared: who the mail greets (the recipient's name, or the address). */
export const PIPELINE_VARIABLES: Record<TemplateKind, readonly string[]> = { mail: ['recipientName'], letter: [] };

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export interface RenderedLetter {
  html: string;
}

/** The `date` helper: a Date or an ISO string → "29. november 2026", the day in Oslo. */
function dateHelper(value: unknown): string {
  const d = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(d.getTime())) throw new Error(`date helper: "${String(value)}" is not a date`);
  return formatOsloDate(d);
}

/** The `kroner` helper: whole øre (a number, a bigint, or the decimal string pg gives for bigint) → "1 250 000 kr". */
function kronerHelper(value: unknown): string {
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return formatKroner(BigInt(value));
  if (typeof value === 'number' || typeof value === 'bigint') return formatKroner(value);
  throw new Error(`kroner helper: "${String(value)}" is not a whole number of øre`);
}

const BUILT_IN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log']);
/** Helpers whose block body runs with a new `this`: names inside are the item's, not template variables. */
const SCOPING_HELPERS = new Set(['each', 'with']);

/**
 * The one template renderer, for mails and for letters (and the PDF documents made from letters):
 *   templates/mail/{name}.{nb,nn}.hbs     a subject, an HTML and a plain-text section, each after its "=== … ===" marker
 *   templates/letters/{name}.{nb,nn}.hbs  one HTML document, no markers
 * Handlebars with two helpers of our own, `date` (29. november 2026) and `kroner` (1 250 000 kr). check() runs at
 * start-up, for both languages, so a missing template, section or variable stops the service instead of a mail or a
 * letter; render() renders only what was checked.
 */
export class TemplateRenderer {
  private readonly hbs = Handlebars.create();
  private readonly compiled = new Map<string, Partial<Record<Section, HandlebarsTemplateDelegate>>>();
  private readonly helpers: Set<string>;

  /** `root` holds the mail/ and letters/ folders. */
  constructor(readonly root: string) {
    this.hbs.registerHelper('date', dateHelper);
    this.hbs.registerHelper('kroner', kronerHelper);
    this.helpers = new Set([...BUILT_IN_HELPERS, 'date', 'kroner']);
  }

  /** The folder a kind of template lives in. */
  dir(kind: TemplateKind): string {
    return join(this.root, FOLDER[kind]);
  }

  /**
   * Every problem with a template for the declared variables, as sentences naming the file; empty when all is well.
   * Compiles and caches the template as a side effect.
   */
  check(kind: TemplateKind, template: string, variables: readonly string[]): string[] {
    const problems: string[] = [];
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(template)) return [`template name "${template}" must be lower-case words joined by "-"`];
    const declared = new Set(variables);
    const pipeline = PIPELINE_VARIABLES[kind];
    for (const v of pipeline) if (declared.has(v)) problems.push(`"${v}" is supplied to every template; do not declare it`);
    for (const lang of LANGUAGES) {
      const file = join(this.dir(kind), `${template}.${lang}.hbs`);
      if (!existsSync(file)) {
        problems.push(`${file} is missing`);
        continue;
      }
      let sections: Partial<Record<Section, string>>;
      try {
        const source = readFileSync(file, 'utf8');
        sections = kind === 'mail' ? splitSections(source) : { html: wholeDocument(source) };
      } catch (e) {
        problems.push(`${file}: ${(e as Error).message}`);
        continue;
      }
      const used = new Set<string>();
      const unescaped: string[] = [];
      try {
        for (const s of SECTIONS_OF[kind]) this.collect(Handlebars.parse(sections[s]!), used, false, s === 'html' ? unescaped : undefined);
      } catch (e) {
        problems.push(`${file}: ${(e as Error).message}`);
        continue;
      }
      // values are user data (an application title, a name): in HTML they must be escaped, always
      if (unescaped.length)
        problems.push(`${file} writes ${unescaped.map((v) => `"${v}"`).join(', ')} unescaped into HTML ({{{…}}} or {{&…}}); use {{…}}`);
      for (const v of pipeline) used.delete(v);
      const undeclared = [...used].filter((v) => !declared.has(v));
      const unused = [...declared].filter((v) => !used.has(v));
      if (undeclared.length) problems.push(`${file} uses ${undeclared.map((v) => `"${v}"`).join(', ')}, not declared in the variables`);
      if (unused.length) problems.push(`${file} does not use declared variable(s) ${unused.map((v) => `"${v}"`).join(', ')}`);
      if (!undeclared.length && !unused.length && !unescaped.length) {
        const compiled: Partial<Record<Section, HandlebarsTemplateDelegate>> = {};
        // only HTML is escaped: a subject and a plain-text part show the characters as they are
        for (const s of SECTIONS_OF[kind]) compiled[s] = this.hbs.compile(sections[s]!, { noEscape: s !== 'html' });
        this.compiled.set(`${kind}/${template}.${lang}`, compiled);
      }
    }
    return problems;
  }

  /** check() that throws with every problem listed; for a module that defines its letters at start-up. */
  require(kind: TemplateKind, template: string, variables: readonly string[]): void {
    const problems = this.check(kind, template, variables);
    if (problems.length) throw new Error(`The ${kind} template "${template}" is not usable:\n  - ${problems.join('\n  - ')}`);
  }

  renderMail(template: string, language: Language, data: Record<string, unknown>): RenderedMail {
    const t = this.checked('mail', template, language);
    return {
      // a subject is one header line, whatever the data contained; the no-break spaces inside an amount stay
      subject: t.subject!(data)
        .replace(/[^\S\u00a0]+/g, ' ')
        .trim(),
      html: t.html!(data).trim(),
      text: t.text!(data).trim() + '\n',
    };
  }

  renderLetter(template: string, language: Language, data: Record<string, unknown>): RenderedLetter {
    return { html: this.checked('letter', template, language).html!(data).trim() + '\n' };
  }

  private checked(kind: TemplateKind, template: string, language: Language) {
    const t = this.compiled.get(`${kind}/${template}.${language}`);
    if (!t) throw new Error(`${kind} template ${template}.${language} was not checked at start-up`);
    return t;
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
        throw new Error('partials and decorators are not supported in templates');
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

function wholeDocument(source: string): string {
  if (!source.trim()) throw new Error('the letter is empty');
  if (source.split(/\r?\n/).some((l) => MARKER.test(l))) throw new Error('a letter is one HTML document, without "=== … ===" sections');
  return source;
}
