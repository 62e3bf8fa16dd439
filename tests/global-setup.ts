import { execFileSync } from 'node:child_process';

/**
 * CLI tests run the real `sessionite` binary, which loads the compiled emulator from dist/.
 * Build it once per test run so those tests never exercise stale output.
 */
export default function setup(): void {
  // For quick local runs of suites that never start the CLI.
  if (process.env.SESSIONITE_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
