// ESLint (typescript-eslint) with the import rules that keep dependencies pointing down: no import cycles, and no
// module importing from one above it in the layering (see `layers` below and the README's architecture section).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

// The folders of src/, lowest first: each may import only from the folders before it. Being a total order, it also
// forbids every folder-level cycle (audit ↔ identity, say): in any cycle some import goes up. Infrastructure first,
// then the domain modules in the order each builds on the last; health and metrics (probes over everything) last.
const layers = [
  'common',
  'config',
  'database',
  'queue',
  'mail',
  'storage',
  'templates',
  'documents',
  'audit',
  'identity',
  'workflow',
  'notifications',
  'organisations',
  'calls',
  'applications',
  'assessment',
  'grants',
  'decisions',
  'cases',
  'insights',
  'health',
  'metrics',
];

// A new folder in src/ must be given its place, or nothing would keep it from importing upwards
const unplaced = readdirSync(join(import.meta.dirname, 'src'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !layers.includes(d.name))
  .map((d) => d.name);
if (unplaced.length) throw new Error(`eslint.config.mjs: give src/${unplaced.join(', src/')} a place in \`layers\``);

const zones = layers
  .map((folder, i) => ({ target: `./src/${folder}`, from: layers.slice(i + 1).map((above) => `./src/${above}`) }))
  .filter((z) => z.from.length);

// import-x/no-cycle does not follow `import type`, so a cycle made of type imports would go unseen: project files
// are imported plainly (the compiler drops an import that only names types), and no-cycle sees every edge.
const typeImportMessage =
  'Import project files without `type` (the compiler drops type-only imports anyway): import-x/no-cycle skips type imports, so a cycle through one would go unseen.';

const typeImportRules = [
  { selector: "ImportDeclaration[importKind='type'][source.value=/^\\./]", message: typeImportMessage },
  { selector: "ImportDeclaration[source.value=/^\\./] > ImportSpecifier[importKind='type']", message: typeImportMessage },
  { selector: "ExportNamedDeclaration[exportKind='type'][source.value=/^\\./]", message: typeImportMessage },
];

// Problem codes are constants in each module's *.errors.ts (common/common.errors.ts for the shared ones), never
// literals: a code written out in a service or a rule file is a second spelling that can drift from the first. These
// are the places a problem code is written: a field problem or problem-like object ({ field|message|detail, code }),
// a DomainError's code, a comparison with a code, and a code's type in a result union. Data codes (measures,
// criteria, cost categories) stand in objects without a message and are not caught.
const CODE = '/^[A-Z][A-Z0-9_]*$/';
// a Node system error's code (ENOENT, ECONNREFUSED) is compared as Node spells it
const PROBLEM_CODE = '/^(?!E[A-Z]+$)[A-Z][A-Z0-9_]*$/';
const literalCodeMessage = "Problem codes are constants in the module's *.errors.ts: use the constant, not a string literal.";
const literalCodeRules = [
  `ObjectExpression:has(> Property[key.name=/^(field|message|detail)$/]) > Property[key.name='code'] > Literal[value=${CODE}]`,
  `NewExpression[callee.name='DomainError'] > Literal.arguments[value=${CODE}]`,
  `CallExpression[callee.object.name='DomainError'] > Literal.arguments[value=${CODE}]`,
  `BinaryExpression[operator=/^[!=]==?$/]:has(> MemberExpression.left[property.name='code']) > Literal.right[value=${PROBLEM_CODE}]`,
  `TSPropertySignature[key.name='code'] TSLiteralType > Literal[value=${CODE}]`,
].map((selector) => ({ selector, message: literalCodeMessage }));

// Raw SQL lives in each module's query files (*.queries.ts, notifications/queries.ts): small functions that take the
// caller's EntityManager and return typed rows, so a service reads as rules and a query can be found, typed and
// reviewed in one place. A `.query(` call anywhere else in src/ is refused, except in these infrastructure files, which
// run SQL that is not a module's (migrations are outside src/ and not linted by this rule):
const rawSqlAllowed = {
  'src/database/pglite-driver.ts': 'the embedded driver itself: it hands every query to PGlite',
  'src/database/pglite-driver.spec.ts': "the driver's own tests, on a scratch table",
  'src/database/migrate.ts': "the migration runner's advisory lock",
  'src/database/migrate-cli.ts': 'the migration CLI (schema lookups while generating a migration)',
  'src/database/serving-role.ts': "the serving role's privileges (GRANT/REVOKE on the schema named by the configuration)",
  'src/database/idempotency.ts': "the idempotency-key store every module shares, in the caller's transaction",
  'src/workflow/workflow.ts': "the workflow engine: locks and moves the row of whichever table a workflow's definition names",
  'src/identity/access/access-policy.ts': "the access policies: evaluates a policy's SQL predicate on the table its resource names",
  'src/health/health.controller.ts': "the readiness probe's SELECT 1",
};
const missingAllowed = Object.keys(rawSqlAllowed).filter((f) => !existsSync(join(import.meta.dirname, f)));
if (missingAllowed.length) throw new Error(`eslint.config.mjs: rawSqlAllowed names files that do not exist: ${missingAllowed.join(', ')}`);

const local = {
  rules: {
    'no-inline-sql': {
      meta: {
        type: 'problem',
        messages: {
          inline:
            "Raw SQL goes into the module's *.queries.ts, as a small function taking the EntityManager and returning typed rows; call that function here.",
        },
        schema: [],
      },
      create: (context) => ({
        "CallExpression[callee.type='MemberExpression'][callee.property.name='query']": (node) =>
          context.report({ node, messageId: 'inline' }),
      }),
    },
  },
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-bench/**', 'data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    languageOptions: { parserOptions: { projectService: false } },
    // without extensions and a parser for .ts, import-x reads no TypeScript file and no-cycle silently finds nothing
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
      'no-restricted-syntax': ['error', ...typeImportRules],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'off',
      'max-len': ['error', { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.errors.ts', 'src/**/*.spec.ts'],
    rules: { 'no-restricted-syntax': ['error', ...typeImportRules, ...literalCodeRules] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.queries.ts', 'src/**/queries.ts', ...Object.keys(rawSqlAllowed)],
    plugins: { local },
    rules: { 'local/no-inline-sql': 'error' },
  },
);
