// ESLint 9 flat config. Type-aware typescript-eslint rules for all TypeScript; the Temporal samples'
// workflow rules (no Node built-ins, no non-deterministic modules) for code bundled into workflows;
// browser globals for the web's hand-written JS. Formatting is Prettier's job (eslint-config-prettier last).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// As in temporalio/samples-typescript: the workflow bundler only shims `assert`.
const ALLOWED_NODE_BUILTINS = new Set(['assert']);
const nodeBuiltins = builtinModules.filter((m) => !ALLOWED_NODE_BUILTINS.has(m)).flatMap((m) => [m, `node:${m}`]);

// Code that runs inside the workflow sandbox: the workflows and the pure domain they host.
const WORKFLOW_FILES = ['workflows/**/*.ts', 'src/domain/**/*.ts'];

// What workflow code may not import (workflows and the domain they host).
const WORKFLOW_IMPORT_RULES = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code is deterministic: no Node built-ins (do it in an activity).' })),
    ...['@prisma/client', 'pg', '@electric-sql/pglite', '@temporalio/activity', '@temporalio/client', '@temporalio/worker', 'fastify'].map((name) => ({
      name,
      message: 'Workflow code is deterministic: no I/O, database, client or worker modules (do it in an activity).',
    })),
  ],
  patterns: [
    {
      group: ['**/activities', '**/activities/**', '**/src/db/**', '**/src/infra/**', '**/src/generated/**'],
      allowTypeImports: true,
      message: 'Workflows import activities only as types (proxyActivities<typeof …>); side effects run in activities.',
    },
  ],
};

// The domain is shared by every cached workflow (src/temporal/workflow-bundle.ts): no SDK (its state is
// per workflow), and no Zod at run time (~0.7 MiB per workflow): schemas are shapes (src/domain/shape),
// whose Zod twins live in the files below, which workflows never import.
const DOMAIN_ZOD_FILES = ['src/domain/shape/to-zod.ts', 'src/domain/zod-schemas.ts', 'src/domain/audit/audit-events.ts'];
const DOMAIN_IMPORT_RULES = {
  paths: [
    ...WORKFLOW_IMPORT_RULES.paths,
    {
      name: 'zod',
      allowTypeImports: true,
      message: 'Domain schemas are shapes (import * as z from …/shape); the Zod twin is toZod(shape) in src/domain/zod-schemas.ts.',
    },
  ],
  patterns: [
    ...WORKFLOW_IMPORT_RULES.patterns,
    {
      group: ['@temporalio/*'],
      allowTypeImports: true,
      message: 'The domain is shared by every workflow: no Temporal SDK in it (pass what it needs as arguments).',
    },
    {
      group: ['**/zod-schemas', '**/shape/to-zod'],
      allowTypeImports: true,
      message: 'Zod twins are for the API and the activities, not for the shared domain.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', 'src/generated/**', 'bench/results/**', 'test-results/**', '.data/**', 'scratch/**'] },

  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // vitest.faults.config.ts is outside tsconfig's include; lint it with the default project.
      parserOptions: { projectService: { allowDefaultProject: ['vitest.faults.config.ts'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      // Forgetting to await an activity, an Update or a Prisma call is the bug this lint exists for.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Off: tsconfig leaves noUncheckedIndexedAccess off, so the rule would strip ~620 `rows[0]!` assertions
      // that state an intent and that the compiler needs back the day that option is turned on.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Off: Fastify plugins and hooks are async by contract even when they await nothing; the bugs this
      // rule hints at are caught by no-floating-promises and no-misused-promises.
      '@typescript-eslint/require-await': 'off',
      // URLSearchParams stringifies to its query string; under Node it comes from @types/node, not lib.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allow: [
            { from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] },
            { from: 'package', package: 'url', name: 'URLSearchParams' },
          ],
        },
      ],
    },
  },

  {
    files: WORKFLOW_FILES,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', WORKFLOW_IMPORT_RULES],
      // The SDK replaces Math.random in the sandbox with a seeded one, but a random value in workflow code
      // is still a smell: use uuid4() from @temporalio/workflow. Date/Date.now() stay allowed: the SDK makes
      // them return the deterministic workflow time (the house rules allow the workflow Date).
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use uuid4() from @temporalio/workflow.' }],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Workflow code cannot read the process: pass configuration as workflow input.' },
        { name: 'setImmediate', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'require', message: 'Workflow code is bundled as ES modules.' },
      ],
    },
  },

  {
    files: ['src/domain/**/*.ts'],
    ignores: DOMAIN_ZOD_FILES,
    rules: { '@typescript-eslint/no-restricted-imports': ['error', DOMAIN_IMPORT_RULES] },
  },

  {
    // Tests and the benchmark read untyped JSON bodies (`await res.json()`) and assert on them: the any is the
    // point there, so the no-unsafe-* family would only ask for casts that prove nothing. `expect(obj.fn)`
    // passes methods unbound on purpose.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  {
    // The React app (src/web/app): typed like the rest (its own tsconfig, found by the project
    // service), run in the browser, and held to the rules of hooks.
    files: ['src/web/app/**/*.ts', 'src/web/app/**/*.tsx'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser },
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/require-await': 'off',
    },
  },

  {
    files: ['src/web/public/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The pages indent village names under their township with the ideographic space (U+3000) in templates.
      'no-irregular-whitespace': ['error', { skipTemplates: true }],
    },
  },

  {
    files: ['**/*.js', '**/*.mjs'],
    ignores: ['src/web/public/**'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },

  prettier,
);
