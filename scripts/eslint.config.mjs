// ESLint's rules for radnb (run by `npm test` after the type check, and by `npm run lint`). TypeScript
// already checks names and types, so this adds what a compiler does not: unused code, forbidden
// patterns, suspicious expressions. Formatting is Prettier's (its options are in package.json).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.cache/**', '.vscode-test/**', 'test/**/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    // TypeScript reports unknown names itself, knowing each file's environment (Node, the webview).
    rules: { 'no-undef': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // The Node bundles are CommonJS, and require() there loads optional or heavy packages only when needed.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
