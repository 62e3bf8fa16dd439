import { execFileSync } from 'node:child_process';

/**
 * CLI tests run the real `sessionite` binary, which loads the compiled emulator from dist/.
 * Build it once per test run so those tests never exercise stale output.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
