import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * Shared settings for each package's Vitest project: sources of workspace packages are resolved through
 * the `@palisade/source` export condition, so tests never need a build of the libraries they import.
 */
export function palisadeProject(name: string, overrides: UserWorkspaceConfig = {}): UserWorkspaceConfig {
  return defineProject({
    ...overrides,
    resolve: { conditions: ['@palisade/source'], ...overrides.resolve },
    ssr: { resolve: { conditions: ['@palisade/source'], externalConditions: ['@palisade/source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...overrides.test,
    },
  });
}
