import nx from '@nx/eslint-plugin';

/**
 * Lint, with the architecture enforced: `@nx/enforce-module-boundaries` fails the build when a package
 * imports across a boundary the tags forbid (see the depConstraints below and README "Architecture").
 */
const boundaries = {
  enforceBuildableLibDependency: false,
  allowCircularSelfDependency: false,
  checkDynamicDependenciesExceptions: [],
  depConstraints: [
    // The event schema stands alone.
    { sourceTag: 'scope:schema', onlyDependOnLibsWithTags: [] },
    // The pure engine knows only the schema: no bus, no store, no I/O.
    { sourceTag: 'scope:detection', onlyDependOnLibsWithTags: ['scope:schema'] },
    { sourceTag: 'scope:bus', onlyDependOnLibsWithTags: ['scope:schema'] },
    { sourceTag: 'scope:store', onlyDependOnLibsWithTags: ['scope:schema'] },
    { sourceTag: 'scope:collector', onlyDependOnLibsWithTags: ['scope:schema', 'scope:bus', 'scope:detection'] },
    { sourceTag: 'scope:detector', onlyDependOnLibsWithTags: ['scope:schema', 'scope:bus', 'scope:store', 'scope:detection'] },
    // The dashboard talks to the detector API: it may share the schema, never an adapter.
    { sourceTag: 'scope:dashboard', onlyDependOnLibsWithTags: ['scope:schema'] },
    { sourceTag: 'type:lib', notDependOnLibsWithTags: ['type:app', 'type:e2e'] },
    // Test helpers (ports, polling, the built detector as a process) stand alone.
    { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: [] },
    { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:app'] },
  ],
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist/**', '**/.next/**', '**/node_modules/**', '**/.nx/**', '**/.palisade/**', '**/next-env.d.ts', '**/coverage/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // With noUncheckedIndexedAccess, `!` after a checked index is the honest way to say "present".
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Nest resolves constructor parameters from decorator metadata: an injected class must stay a value
    // import, which this rule would turn into `import type` and break dependency injection.
    files: ['apps/detector/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // End-to-end tests and benchmarks drive the apps as libraries (the detector's app factory, its config
    // parser) and share the test helpers: allowed there and nowhere else — product code still never
    // imports an app or a test helper.
    files: ['test/**/*.ts', 'test/**/*.mjs', 'apps/*/bench/**', 'apps/*/test/**'],
    rules: { '@nx/enforce-module-boundaries': ['error', { ...boundaries, allow: ['@palisade/detector', '@palisade/collector', '@palisade/test-support'] }] },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Build and test configuration is tooling, shared from the workspace root, not product code.
    files: ['**/vitest.config.ts', 'vitest.shared.ts', 'vitest.config.ts', '**/next.config.*', 'tools/**'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
