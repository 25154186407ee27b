import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn the bundle and start servers; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The tool reads CI_* and proxy variables; tests must never inherit the ambient ones.
    setupFiles: ['test/setup-env.ts'],
  },
});
