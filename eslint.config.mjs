// ESLint (typescript-eslint) with the import rules that keep dependencies pointing down: no import cycles, and no
// module importing from one above it in the layering (see `layers` below and the README's architecture section).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

// Lower layers may not import from higher ones. Each entry: a folder, and the folders it must never import from.
const domain = ['identity', 'audit', 'notifications', 'organisations', 'calls', 'applications', 'assessment', 'decisions', 'grants', 'insights'];
const layers = [
  { from: 'src/common', forbid: ['config', 'database', 'queue', 'mail', 'storage', 'templates', 'workflow', ...domain] },
  { from: 'src/config', forbid: ['database', 'queue', 'mail', 'storage', 'templates', 'workflow', ...domain] },
  { from: 'src/database', forbid: ['queue', 'mail', 'storage', 'templates', 'workflow', ...domain] },
  { from: 'src/queue', forbid: ['mail', 'storage', 'templates', 'workflow', ...domain] },
  { from: 'src/mail', forbid: ['storage', 'templates', 'workflow', ...domain] },
  { from: 'src/storage', forbid: ['templates', 'workflow', ...domain] },
  { from: 'src/templates', forbid: ['workflow', ...domain] },
  { from: 'src/identity', forbid: ['notifications', 'organisations', 'calls', 'applications', 'assessment', 'decisions', 'grants', 'insights'] },
  { from: 'src/audit', forbid: ['identity', 'notifications', 'organisations', 'calls', 'applications', 'assessment', 'decisions', 'grants', 'insights'] },
  { from: 'src/workflow', forbid: ['notifications', 'organisations', 'calls', 'applications', 'assessment', 'decisions', 'grants', 'insights'] },
  { from: 'src/notifications', forbid: ['organisations', 'calls', 'applications', 'assessment', 'decisions', 'grants', 'insights'] },
  { from: 'src/organisations', forbid: ['calls', 'applications', 'assessment', 'decisions', 'grants', 'insights'] },
  { from: 'src/calls', forbid: ['applications', 'assessment', 'decisions', 'grants', 'insights'] },
  { from: 'src/applications', forbid: ['assessment', 'decisions', 'grants', 'insights'] },
  { from: 'src/assessment', forbid: ['decisions', 'grants', 'insights'] },
  { from: 'src/decisions', forbid: ['grants', 'insights'] },
  { from: 'src/grants', forbid: ['insights'] },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-bench/**', 'data/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    languageOptions: { parserOptions: { projectService: false } },
    settings: { 'import-x/resolver': { typescript: { project: './tsconfig.json' } } },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': [
        'error',
        { zones: layers.map((l) => ({ target: `./${l.from}`, from: l.forbid.map((f) => `./src/${f}`) })) },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'off',
      'max-len': ['error', { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
    },
  },
);
