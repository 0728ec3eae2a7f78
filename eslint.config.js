// One lint config for the whole monorepo (flat config).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'test-results/**',
      'bench/results/**',
      '.ci/.services/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // Command-line entry points, demo, benches and tests print on purpose.
    files: ['packages/cli/src/**', 'examples/**', 'bench/**', '**/test/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The web UI's browser code (bundled by esbuild into packages/server/dist/ui/).
    files: ['packages/server/src/ui/web/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  prettier,
);
