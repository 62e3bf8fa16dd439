/**
 * Text the CLI (and GUI) prints about identity. Pure functions: no I/O, no clock reads.
 */

export interface AzAccessTokenJson {
  accessToken: string;
  /** Local time, `YYYY-MM-DD HH:MM:SS.ffffff`, as `az` prints it. */
  expiresOn: string;
  /** Epoch seconds. */
  expires_on: number;
  subscription: string;
  tenant: string;
  tokenType: 'Bearer';
}

export interface AzTokenContext {
  subscription: string;
  tenant: string;
  /** Minutes west of UTC, like Date#getTimezoneOffset; defaults to this machine's offset at expiry. */
  timezoneOffsetMinutes?: number;
}

/** The object `az account get-access-token --output json` prints (what AzureCliCredential parses). */
export function azAccessToken(
  token: { accessToken: string; expiresOn: number },
  ctx: AzTokenContext,
): AzAccessTokenJson {
  const offset = ctx.timezoneOffsetMinutes ?? new Date(token.expiresOn * 1000).getTimezoneOffset();
  const local = new Date(token.expiresOn * 1000 - offset * 60_000);
  const expiresOn = `${local.toISOString().slice(0, 19).replace('T', ' ')}.000000`;
  return {
    accessToken: token.accessToken,
    expiresOn,
    expires_on: token.expiresOn,
    subscription: ctx.subscription,
    tenant: ctx.tenant,
    tokenType: 'Bearer',
  };
}

export function formatAzAccessToken(
  token: { accessToken: string; expiresOn: number },
  ctx: AzTokenContext,
): string {
  return `${JSON.stringify(azAccessToken(token, ctx), null, 2)}\n`;
}

export interface TrustInstructionsInput {
  /** The CA file to trust; undefined when the user supplied their own certificate. */
  caPath: string | undefined;
  /** HTTPS origin of the emulator, e.g. `https://localhost:8443`. */
  https: string;
  tenantId?: string;
}

export function trustInstructions({
  caPath,
  https,
  tenantId = '<tenant-id>',
}: TrustInstructionsInput): string {
  const snippet = jsClientSnippet(https, tenantId);
  if (!caPath) {
    return [
      `Sessionite serves HTTPS at ${https} with the certificate you supplied.`,
      'Clients must trust the CA that issued it.',
      '',
      snippet,
    ].join('\n');
  }
  const q = `"${caPath}"`;
  return [
    `Sessionite serves HTTPS at ${https} with a certificate from its own local CA:`,
    `  ${caPath}`,
    'Azure SDKs insist on HTTPS for the token service and for ARM, so clients must trust this CA.',
    'Trust it per process (recommended) or in the OS store:',
    '',
    'Node.js:',
    `  export NODE_EXTRA_CA_CERTS=${q}`,
    'Python (requests / azure-identity; httpx, aiohttp and urllib):',
    `  export REQUESTS_CA_BUNDLE=${q}`,
    `  export SSL_CERT_FILE=${q}`,
    '  (these replace the default CA list for that process; to keep public CAs as well, point them at a',
    `   bundle made with: cat "$(python -m certifi)" ${q} > bundle.pem)`,
    'curl:',
    `  curl --cacert ${q} ${https}/common/v2.0/.well-known/openid-configuration`,
    'OS trust store (browsers, .NET, Go):',
    `  Debian/Ubuntu: sudo cp ${q} /usr/local/share/ca-certificates/sessionite-ca.crt && sudo update-ca-certificates`,
    `  macOS:         sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${q}`,
    `  Windows:       certutil -user -addstore Root ${q}`,
    'The CA can only sign certificates for this emulator on this machine; its key never leaves the data folder.',
    '',
    snippet,
  ].join('\n');
}

function jsClientSnippet(https: string, tenantId: string): string {
  return [
    'JavaScript (@azure/identity) — any client id and secret work unless app registrations are configured:',
    "  import { ClientSecretCredential } from '@azure/identity';",
    `  const credential = new ClientSecretCredential('${tenantId}', '<client-id>', '<client-secret>', {`,
    `    authorityHost: '${https}',`,
    '    // Required: otherwise MSAL asks login.microsoftonline.com to validate the authority.',
    '    disableInstanceDiscovery: true,',
    '  });',
    "  const { token } = await credential.getToken('https://dynamicsessions.io/.default');",
  ].join('\n');
}
