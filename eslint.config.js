import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'test/docs/.snippets/**', '**/.next/**', '**/next-env.d.ts', 'test/runtimes/.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-empty-object-type': 'off',
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'Use Uint8Array / TextEncoder in core (it runs outside Node).' }],
    },
  },
  {
    files: ['packages/core/src/**/*.ts', 'packages/fetch/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'The core and the fetch adapter use Web-standard APIs only.' }] }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}', 'scripts/**', 'bench/**', 'test/**', 'examples/**', 'packages/*/test/**', 'packages/{express,fastify,node,redis,bullmq,testing}/src/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' } },
    rules: { 'no-restricted-globals': 'off' },
  },
);
