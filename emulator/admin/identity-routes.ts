import { Router } from 'express';
import type { Emulator } from '../emulator.js';
import { trustInstructions } from '../identity/index.js';
import {
  DATA_PLANE_AUDIENCE,
  type IdentityInfo,
  type IssueTokenRequest,
  type IssueTokenResponse,
} from './contract.js';
import { sendAdminError, sendJson } from './respond.js';

/** `/identity`: what a developer needs to authenticate against the emulator, and a token on demand. */
export function identityRoutes(emulator: Emulator): Router {
  const router = Router();
  router.get('/identity', (_req, res) => {
    const identity = emulator.identity;
    const https = emulator.httpsUrl;
    const mi = identity.hostManagedIdentity;
    sendJson<IdentityInfo>(res, 200, {
      mode: identity.mode,
      tenantId: identity.tenantId,
      ...(https ? { https } : {}),
      ...(identity.tls.caPath ? { caPath: identity.tls.caPath } : {}),
      trustInstructions: https
        ? trustInstructions({ caPath: identity.tls.caPath, https, tenantId: identity.tenantId })
        : 'HTTPS is turned off for this emulator; Azure SDK credentials need it for tokens.',
      managedIdentity: {
        endpoint: `${emulator.httpUrl}${mi.endpointPath}`,
        header: mi.header,
        clientId: mi.clientId,
        objectId: mi.objectId,
        resourceId: mi.resourceId,
      },
    });
  });
  router.post('/identity/token', async (req, res) => {
    const audience = (req.body as Partial<IssueTokenRequest> | undefined)?.audience;
    if (typeof audience !== 'string' || audience.trim() === '') {
      sendAdminError(res, 400, 'InvalidRequest', 'Send {"audience": "<resource URI>"}.');
      return;
    }
    try {
      const token = await emulator.identity.issueToken({
        resource: audience.trim(),
        origin: emulator.httpsUrl,
      });
      sendJson<IssueTokenResponse>(res, 200, {
        accessToken: token.accessToken,
        expiresOn: new Date(token.expiresOn * 1000).toISOString(),
        audience: audience.trim(),
      });
    } catch (error) {
      sendAdminError(res, 400, 'InvalidRequest', error instanceof Error ? error.message : String(error));
    }
  });
  return router;
}

/** A data-plane bearer token for requests the dashboard sends itself (the composer); none when auth is off. */
export async function dataPlaneAuthorization(emulator: Emulator): Promise<Record<string, string>> {
  if (emulator.identity.mode === 'off') return {};
  const token = await emulator.identity.issueToken({
    resource: DATA_PLANE_AUDIENCE,
    origin: emulator.httpsUrl,
  });
  return { authorization: `Bearer ${token.accessToken}` };
}
