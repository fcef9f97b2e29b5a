import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTs from 'eslint-config-next/typescript'
import { boundaryConfigs } from './eslint-boundaries.mjs'

// One import style (docs/decisions/013): relative imports name the module without a suffix,
// as `@/` imports do; tsx, Next.js and esbuild all resolve them.
const oneImportStyle = {
  selector: 'ImportDeclaration[source.value=/^\\.{1,2}\\/.*\\.js$/]',
  message: 'Import without the .js suffix (one import style for the whole tree).',
}

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      '.next/**',
      'generated/**',
      '.data/**',
      'node_modules/**',
      'labs/images/**/dist/**',
      'test-results/**',
      'next-env.d.ts',
    ],
  },
  {
    rules: {
      // Late-bound callbacks (`let x; use(() => x?.()); x = ...`) are deliberate.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through the config module (config/env.ts, lab-runner/src/config.ts).',
        },
        oneImportStyle,
      ],
    },
  },
  {
    // Where configuration is read, scripts/tests that hand environment to child processes, and
    // the lab tests' harness (LAB_TEST_ENGINE picks the engine a lab test runs on).
    files: [
      'config/env.ts',
      '**/config.ts',
      '**/src/main.ts',
      '**/src/cli.ts',
      'scripts/**',
      'tests/**',
      'labs/test-support/**',
      '**/*.test.ts',
      'playwright.config.ts',
      'prisma.config.ts',
      'vitest.config.ts',
      'labs/images/**/bundle.ts',
    ],
    rules: { 'no-restricted-syntax': ['error', oneImportStyle] },
  },
  // Which room may import which (docs/architecture.md, docs/decisions/013-contracts-as-the-only-bridge.md).
  ...boundaryConfigs,
]

export default config
