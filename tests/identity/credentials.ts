import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('./fixtures/get-token.mjs', import.meta.url));

export type ChildResult =
  { ok: true; token: string; expiresOnTimestamp: number } | { ok: false; name: string; message: string };

/**
 * Runs a real @azure/identity credential in a child process with exactly `env` on top of a copy of
 * this process's environment from which every variable that steers credential selection is removed:
 * AZURE_* (EnvironmentCredential, WorkloadIdentityCredential, AZURE_TOKEN_CREDENTIALS), IDENTITY_*
 * (App Service / Service Fabric — IDENTITY_SERVER_THUMBPRINT would make MSAL pick Service Fabric),
 * MSI_* (Machine Learning, Cloud Shell) and IMDS_ENDPOINT (Azure Arc).
 */
export async function runCredential(
  kind: 'secret' | 'managed' | 'default',
  scope: string,
  env: Record<string, string>,
): Promise<ChildResult> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(AZURE_|IDENTITY_|MSI_|IMDS_|NODE_EXTRA_CA_CERTS$)/.test(k)) base[k] = v;
  }
  const { stdout } = await run(process.execPath, [FIXTURE, kind, scope], {
    env: { ...base, ...env },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as ChildResult;
}
