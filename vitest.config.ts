import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code (`*.spec.ts`); integration tests that drive a real Docker engine
// live in `tests/` (`*.test.ts`). Docker-backed tests are slow to start containers, so timeouts are
// generous; no test relies on a retry.
export default defineConfig({
  // Renderer specs mount single-file components; they pick a DOM per file (`@vitest-environment happy-dom`).
  plugins: [vue()],
  test: {
    include: ['emulator/**/*.spec.ts', 'electron/**/*.spec.ts', 'renderer/**/*.spec.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    retry: 0,
    globalSetup: ['tests/global-setup.ts'],
  },
});
