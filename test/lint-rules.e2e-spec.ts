import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..');

interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
}

/**
 * Writes probe files into src/ (the layering rules are about real paths), runs the repository's ESLint on them
 * (as `npx eslint .` would), and removes them again.
 */
function lintProbes(files: Record<string, string>): { status: number | null; stderr: string; byFile: Record<string, LintMessage[]> } {
  const written: string[] = [];
  const madeDirs: string[] = [];
  try {
    for (const [path, text] of Object.entries(files)) {
      const dir = join(ROOT, dirname(path));
      if (!existsSync(dir)) {
        mkdirSync(dir, { recursive: true });
        madeDirs.push(dir);
      }
      writeFileSync(join(ROOT, path), text);
      written.push(path);
    }
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', ...written], {
      cwd: ROOT,
      encoding: 'utf8',
      // bounded: a hung linter fails this test instead of holding the run
      timeout: 180_000,
    });
    const byFile: Record<string, LintMessage[]> = {};
    if (run.stdout.trim()) {
      for (const r of JSON.parse(run.stdout) as Array<{ filePath: string; messages: LintMessage[] }>) {
        byFile[r.filePath.slice(ROOT.length + 1)] = r.messages;
      }
    }
    return { status: run.status, stderr: run.stderr, byFile };
  } finally {
    for (const path of written) rmSync(join(ROOT, path), { force: true });
    for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
  }
}

const rules = (messages: LintMessage[] | undefined) => (messages ?? []).map((m) => m.ruleId);

/** The lint rules that keep dependencies pointing down do find what they are there for. */
describe('lint: import cycles, layering, literal problem codes and inline SQL', () => {
  const tag = `zz-lint-probe-${randomBytes(4).toString('hex')}`;
  jest.setTimeout(180_000);

  it('finds a cycle made only of types, between two files of one module, and refuses `import type` of project files', () => {
    const a = `src/calls/${tag}-a.ts`;
    const b = `src/calls/${tag}-b.ts`;
    const c = `src/calls/${tag}-c.ts`;
    const { byFile, stderr } = lintProbes({
      [a]: `import { ProbeB } from './${tag}-b';\nexport interface ProbeA {\n  b?: ProbeB;\n}\n`,
      [b]: `import { ProbeA } from './${tag}-a';\nexport interface ProbeB {\n  a?: ProbeA;\n}\n`,
      [c]: `import type { ProbeA } from './${tag}-a';\nexport type ProbeC = ProbeA;\n`,
    });
    expect(stderr).toBe('');
    expect(rules(byFile[a])).toContain('import-x/no-cycle');
    expect(rules(byFile[b])).toContain('import-x/no-cycle');
    expect(rules(byFile[c])).toEqual(['no-restricted-syntax']);
  });

  it('refuses an import from a higher module, so a cycle between modules (audit ↔ identity) cannot form', () => {
    const down = `src/audit/${tag}.ts`;
    const common = `src/common/${tag}.ts`;
    const up = `src/identity/${tag}.ts`;
    const { byFile } = lintProbes({
      [down]: `import { ROLE_PERMISSIONS } from '../identity/permissions';\nexport const probe = ROLE_PERMISSIONS;\n`,
      [common]: `import { AuditService } from '../audit/audit.service';\nexport const probe = AuditService;\n`,
      // identity may use audit: that is the direction the layering allows
      [up]: `import { AuditService } from '../audit/audit.service';\nexport const probe = AuditService;\n`,
    });
    expect(rules(byFile[down])).toEqual(['import-x/no-restricted-paths']);
    expect(rules(byFile[common])).toEqual(['import-x/no-restricted-paths']);
    expect(rules(byFile[up])).toEqual([]);
  });

  it('refuses to run while a folder of src/ has no place in the layering', () => {
    const folder = `src/${tag.replace(/-/g, '')}`;
    const { status, stderr } = lintProbes({ [`${folder}/probe.ts`]: `export const probe = 1;\n` });
    expect(status).not.toBe(0);
    expect(stderr).toContain(`give ${folder} a place in \`layers\``);
  });

  it('refuses a problem code written as a literal outside *.errors.ts, and leaves data codes and the constants alone', () => {
    const rule = `src/calls/${tag}-rule.ts`;
    const errors = `src/calls/${tag}.errors.ts`;
    const { byFile, stderr } = lintProbes({
      [rule]: [
        `import { DomainError, FieldProblem } from '../common/problem';`,
        `export type Result = { ok: true } | { ok: false; code: 'PROBE_FAILED'; message: string };`,
        `export const problem: FieldProblem = { field: 'x', code: 'PROBE_FIELD', message: 'm' };`,
        `export const thrown = () => new DomainError(409, 'PROBE_CONFLICT', 'The probe conflicts.');`,
        `export const helper = () => DomainError.conflict('PROBE_CONFLICT', 'The probe conflicts.');`,
        `export const compared = (p: { code: string }) => p.code === 'PROBE_FAILED';`,
        `// a measure or criterion code is data, not a problem code`,
        `export const data = { code: 'PROBE_MEASURE', label: 'a measure' };`,
        `// a Node system error's code is Node's`,
        `export const missing = (e: { code?: string }) => e.code === 'ENOENT';`,
        ``,
      ].join('\n'),
      [errors]: `export const ProbeErrors = { PROBE_FAILED: 'PROBE_FAILED' } as const;\nexport const probe = { field: 'x', code: 'PROBE_FAILED', message: 'm' };\n`,
    });
    expect(stderr).toBe('');
    const lines = (byFile[rule] ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.line);
    expect(lines).toEqual([2, 3, 4, 5, 6]);
    expect(rules(byFile[rule])).toEqual([
      'no-restricted-syntax',
      'no-restricted-syntax',
      'no-restricted-syntax',
      'no-restricted-syntax',
      'no-restricted-syntax',
    ]);
    expect(rules(byFile[errors])).toEqual([]);
  });

  it("refuses a raw `.query(` outside the module's query files, and leaves *.queries.ts alone", () => {
    const service = `src/calls/${tag}.service.ts`;
    const queries = `src/calls/${tag}.queries.ts`;
    const sql = [
      `import { DataSource, EntityManager } from 'typeorm';`,
      `export const one = (m: EntityManager) => m.query('SELECT 1');`,
      `export const two = (ds: DataSource) => ds.query('SELECT 2');`,
      `export const three = (ds: DataSource) => ds.createQueryRunner().query('SELECT 3');`,
      ``,
    ].join('\n');
    const { byFile, stderr } = lintProbes({ [service]: sql, [queries]: sql });
    expect(stderr).toBe('');
    const inline = (byFile[service] ?? []).filter((m) => m.ruleId === 'local/no-inline-sql').map((m) => m.line);
    expect(inline).toEqual([2, 3, 4]);
    expect(rules(byFile[queries])).toEqual([]);
  });
});
