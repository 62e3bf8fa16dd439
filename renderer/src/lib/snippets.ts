import type { IdentityInfo } from '../api/contract.js';

export interface SnippetInput {
  endpoint: string;
  identity?: IdentityInfo;
}

const AUDIENCE = 'https://dynamicsessions.io';

/** Ready-to-paste clients of a pool endpoint, including how to get a token and trust the CA. */
export function curlSnippet({ endpoint, identity }: SnippetInput): string {
  if (!identity || identity.mode === 'off') return `curl "${endpoint}/?identifier=my-session"`;
  const https = identity.https ?? '<https-endpoint>';
  const ca = identity.caPath ? ` --cacert "${identity.caPath}"` : '';
  return [
    `# A token for ${AUDIENCE} (any client id/secret unless app registrations are configured):`,
    `TOKEN=$(curl -s${ca} -X POST "${https}/${identity.tenantId}/oauth2/v2.0/token" \\`,
    `  -d grant_type=client_credentials -d client_id=dev -d client_secret=dev \\`,
    `  -d scope=${AUDIENCE}/.default | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    `curl -H "Authorization: Bearer $TOKEN" "${endpoint}/?identifier=my-session"`,
  ].join('\n');
}

export function javascriptSnippet({ endpoint, identity }: SnippetInput): string {
  const https = identity?.https ?? '<https-endpoint>';
  const tenant = identity?.tenantId ?? '<tenant-id>';
  return [
    `// Trust the emulator's CA first: NODE_EXTRA_CA_CERTS="${identity?.caPath ?? '<ca.pem>'}" node app.mjs`,
    "import { ClientSecretCredential } from '@azure/identity';",
    '',
    `const credential = new ClientSecretCredential('${tenant}', 'dev', 'dev', {`,
    `  authorityHost: '${https}',`,
    '  disableInstanceDiscovery: true,',
    '});',
    `const { token } = await credential.getToken('${AUDIENCE}/.default');`,
    `const response = await fetch('${endpoint}/?identifier=my-session', {`,
    '  headers: { Authorization: `Bearer ${token}` },',
    '});',
    'console.log(response.status, await response.text());',
  ].join('\n');
}

export function pythonSnippet({ endpoint, identity }: SnippetInput): string {
  const https = identity?.https ?? '<https-endpoint>';
  const tenant = identity?.tenantId ?? '<tenant-id>';
  return [
    `# Trust the emulator's CA first: export REQUESTS_CA_BUNDLE="${identity?.caPath ?? '<ca.pem>'}"`,
    'import requests',
    'from azure.identity import ClientSecretCredential',
    '',
    `credential = ClientSecretCredential("${tenant}", "dev", "dev",`,
    `    authority="${https}", disable_instance_discovery=True)`,
    `token = credential.get_token("${AUDIENCE}/.default").token`,
    `response = requests.get("${endpoint}/", params={"identifier": "my-session"},`,
    '    headers={"Authorization": f"Bearer {token}"})',
    'print(response.status_code, response.text)',
  ].join('\n');
}
