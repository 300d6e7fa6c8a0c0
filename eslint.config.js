// ESLint (flat config): typescript-eslint's recommended rules and React's hooks rules, run by `npm test`.
// A rule that is mostly noise here is turned off below with its reason.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.data/',
      '.tools/',
      'web/dist/',
      'test/workflows/histories/',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // JSON from outside is checked by ajv at the edge and then read loosely in ~250 places; lane "kinds" removes
      // the `any`s in web/src — turn this on for web/src once that has landed
      '@typescript-eslint/no-explicit-any': 'off',
      // the text-safety rules (server/safe-text.ts and its users) match control characters on purpose
      'no-control-regex': 'off',
      // the unused-variable rule counts `_`-prefixed names and rest siblings (`{ a, ...rest }`) as used
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    // the hooks rules proper; v7's `recommended` also brings the React Compiler's rules, which judge code written
    // for the compiler (this app does not use it: loading state set in a fetching effect, Date.now() in a label)
    // and triple the lint time
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
);
