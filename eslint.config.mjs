import tseslint from 'typescript-eslint';

// The core (server/* except server/api and server/auth) must run without a web server: it may not
// import Next.js or tRPC. This rule is the architecture boundary, checked by `npm test`.
const frameworkImports = {
  patterns: [
    { group: ['next', 'next/*'], message: 'server core must not import next/*: keep it framework-free (see docs/ARCHITECTURE.md)' },
    { group: ['@trpc/*'], message: 'server core must not import @trpc/*: only server/api does' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', 'server/db/generated/**', '.cascade/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['server/**/*.ts', 'server/**/*.tsx'],
    ignores: ['server/api/**', 'server/auth/**'],
    rules: { 'no-restricted-imports': ['error', frameworkImports] },
  },
);
