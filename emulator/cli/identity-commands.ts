import { parseArgs } from 'node:util';
import { formatAzAccessToken, trustInstructions } from '../identity/index.js';
import { findRunningEmulator, postForm } from './running.js';

const DEFAULT_RESOURCE = 'https://dynamicsessions.io';

/**
 * `sessionite token [--resource <aud>] [--output json|tsv]`: a token from the running emulator's
 * token service, printed like `az account get-access-token --resource …` does (same JSON fields),
 * or just the token with `--output tsv` for `curl -H "Authorization: Bearer $(…)"`.
 */
export async function tokenCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      resource: { type: 'string', default: DEFAULT_RESOURCE },
      output: { type: 'string', short: 'o', default: 'json' },
      'client-id': { type: 'string', default: 'sessionite-cli' },
      'client-secret': { type: 'string', default: 'sessionite-cli-secret' },
      tenant: { type: 'string' },
      'data-dir': { type: 'string' },
      endpoint: { type: 'string' },
      ca: { type: 'string' },
    },
    strict: true,
  });
  if (values.output !== 'json' && values.output !== 'tsv') throw new Error("--output must be 'json' or 'tsv'");
  const running = await findRunningEmulator({ dataDir: values['data-dir'], endpoint: values.endpoint, ca: values.ca });
  const tenant = values.tenant ?? running.record?.tenantId ?? 'common';
  const { status, body } = await postForm(
    `${running.https}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`,
    {
      grant_type: 'client_credentials',
      client_id: values['client-id'],
      client_secret: values['client-secret'],
      scope: `${values.resource.replace(/\/$/, '')}/.default`,
    },
    running.ca,
  );
  if (status !== 200 || typeof body.access_token !== 'string') {
    const reason = typeof body.error_description === 'string' ? body.error_description : `status ${status}`;
    throw new Error(`the token service refused: ${reason}`);
  }
  if (values.output === 'tsv') {
    process.stdout.write(`${body.access_token}\n`);
    return;
  }
  const expiresOn = Math.floor(Date.now() / 1000) + Number(body.expires_in ?? 3599);
  process.stdout.write(
    formatAzAccessToken(
      { accessToken: body.access_token, expiresOn },
      { subscription: '00000000-0000-0000-0000-000000000000', tenant },
    ),
  );
}

/** `sessionite trust`: how to make Node, Python, curl and the OS trust the emulator's local CA. */
export async function trustCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string' }, endpoint: { type: 'string' }, ca: { type: 'string' } },
    strict: true,
  });
  const running = await findRunningEmulator({ dataDir: values['data-dir'], endpoint: values.endpoint, ca: values.ca });
  process.stdout.write(
    trustInstructions({ caPath: running.ca, https: running.https, tenantId: running.record?.tenantId }),
  );
}
