// Lint rules, and the layering as import boundaries: each layer may depend only downward.
//   domain  <- agents, client  <- eval  <- cli
//   domain  <- server
//   domain, agents  <- web (the console runs the rule agent in watch mode)
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Forbids importing the named layers (relative paths, from anywhere in the file's own layer). */
const only = (...forbidden) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: forbidden.map((layer) => ({
        group: [`**/${layer}/*`, `**/${layer}`],
        message: `this layer may not depend on src/${layer} (see ARCHITECTURE.md: layers depend only downward)`,
      })),
    },
  ],
});

/** Third-party packages a layer must not load (the domain is pure; agents never reach the network stack). */
const noPackages = (...names) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        ...['server', 'agents', 'eval', 'cli', 'client'].map((layer) => ({ group: [`**/${layer}/*`, `**/${layer}`], message: `src/domain imports nothing outside src/domain (here: src/${layer})` })),
        ...names.map((n) => ({ group: [n, `${n}/*`], message: `src/domain is pure: no ${n}` })),
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', '.venv/**', 'python/**', 'web/dist/**', '.scratch/**', 'scratch/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
      // Empty interfaces that name a schema's type, and `{}` in generic constraints, are deliberate.
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  { files: ['src/domain/**/*.ts'], rules: noPackages('node:*', 'fastify', 'ws', 'redis', 'openai', 'commander', '@modelcontextprotocol/*', 'prom-client') },
  { files: ['src/agents/**/*.ts'], rules: only('server', 'eval', 'cli', 'client') },
  { files: ['src/client/**/*.ts'], rules: only('server', 'agents', 'eval', 'cli') },
  { files: ['src/eval/**/*.ts'], rules: only('server', 'cli') },
  { files: ['src/server/**/*.ts'], rules: only('agents', 'eval', 'cli', 'client') },
  { files: ['web/src/**/*.{ts,tsx}'], rules: only('server', 'eval', 'cli') },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
