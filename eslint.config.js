// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.vivid/', '.venv/', '.venv-deploy/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Migrations are frozen in time, so they deliberately see the database as untyped.
    files: ['infra/db/migrations/**/*.ts', 'infra/db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflows run in Temporal's deterministic sandbox: no I/O, no adapters.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'pg', 'kysely', '@google/*', '@google-cloud/*', 'koa', '@electric-sql/*'], message: 'Workflows are deterministic: no I/O modules.' },
          { group: ['../infra/*', '../api/*', '../activities/*'], message: 'Workflows see activities only as types.', allowTypeImports: true },
        ],
      }],
    },
  },
);
