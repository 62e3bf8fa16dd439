import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { resourceGroupSchema, subscriptionIdSchema } from '../config/file-schema.js';
import { poolSpecToArmResource } from '../config/normalize.js';
import type { Emulator } from '../emulator.js';
import { ApiError } from '../errors.js';
import { requestOrigin } from '../http/data-plane.js';
import type { SessionPool } from '../pool/session-pool.js';
import { parseApiVersion, shapeOf, viewForVersion, type ApiVersion } from './api-version.js';
import { ArmError, ArmErrors, errorBody, sendArmError } from './arm-errors.js';
import type { ArmAuthorize } from './auth.js';
import type { Operation, OperationTracker } from './operations.js';
import { PROVIDER, absoluteUrl, operationResultPath, operationStatusPath } from './paths.js';
import type { PoolScope, SessionPoolService, WriteResult } from './pool-service.js';

export interface ArmRouterDeps {
  emulator: Emulator;
  service: SessionPoolService;
  operations: OperationTracker;
  authorize: ArmAuthorize;
  retryAfterSeconds: number;
  log(line: string): void;
}

const SUB = '/subscriptions/:subscriptionId';
const POOLS_IN_GROUP = `${SUB}/resourceGroups/:resourceGroup/providers/${PROVIDER}/sessionPools`;
const POOL = `${POOLS_IN_GROUP}/:name`;
const POOLS_IN_SUBSCRIPTION = `${SUB}/providers/${PROVIDER}/sessionPools`;
const OPERATIONS = `${SUB}/providers/${PROVIDER}/locations/:location`;
const OPERATION_STATUS = `${OPERATIONS}/sessionPoolOperationStatuses/:operationId`;
const OPERATION_RESULT = `${OPERATIONS}/sessionPoolOperationResults/:operationId`;

interface ArmLocals {
  apiVersion: ApiVersion;
}

/**
 * `Microsoft.App/sessionPools` on ARM's paths (matched case-insensitively, as ARM does). Every route
 * runs `guard` first: auth, then api-version, then the subscription and resource group in the URL.
 * Responses never carry a secret value: pools are rendered by `poolSpecToArmResource`, which lists
 * secrets by name only.
 */
export function createArmRouter(deps: ArmRouterDeps): Router {
  const router = express.Router({ caseSensitive: false });
  const body = express.json({ limit: '1mb', strict: false, type: () => true });
  const guard = createGuard(deps);
  const send = responder(deps);

  router.get(POOL, guard, (req, res) => {
    const pool = deps.service.find(scopeOf(req));
    if (!pool) throw ArmErrors.resourceNotFound(param(req, 'resourceGroup'), param(req, 'name'));
    send.pool(res, pool, 200);
  });
  router.put(POOL, guard, body, async (req, res) => {
    send.write(req, res, await deps.service.put(scopeOf(req), req.body, locals(res).apiVersion.value), false);
  });
  router.patch(POOL, guard, body, async (req, res) => {
    send.write(req, res, await deps.service.patch(scopeOf(req), req.body, locals(res).apiVersion.value), true);
  });
  router.delete(POOL, guard, async (req, res) => {
    send.write(req, res, await deps.service.delete(scopeOf(req), locals(res).apiVersion.value), true);
  });
  router.all(POOL, guard, (req) => {
    throw ArmErrors.methodNotAllowed(req.method);
  });
  router.get(POOLS_IN_GROUP, guard, (req, res) => {
    send.list(res, deps.service.list(param(req, 'subscriptionId'), param(req, 'resourceGroup')));
  });
  router.get(POOLS_IN_SUBSCRIPTION, guard, (req, res) => {
    send.list(res, deps.service.list(param(req, 'subscriptionId')));
  });
  router.get(OPERATION_STATUS, guard, (req, res) => send.operationStatus(req, res));
  router.get(OPERATION_RESULT, guard, (req, res) => send.operationResult(req, res));
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    sendArmError(res, translateError(error, deps), commonHeaders(req));
  });
  return router;
}

function createGuard(deps: ArmRouterDeps) {
  const warned = new Set<string>();
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const denied = await deps.authorize(req);
    if (denied) {
      sendArmError(res, denied.error, { ...commonHeaders(req), ...denied.headers });
      return;
    }
    const version = parseApiVersion(req.query['api-version']);
    if (version instanceof ArmError) throw version;
    if (!version.known) {
      res.setHeader('x-sessionite-warning', `api-version '${version.value}' is not one Sessionite knows; served as the closest known version`);
      if (!warned.has(version.value)) deps.log(`warning: serving unknown api-version '${version.value}' in the shape of the closest known version`);
      warned.add(version.value);
    }
    if (!subscriptionIdSchema.safeParse(param(req, 'subscriptionId')).success) {
      throw ArmErrors.invalidSubscriptionId(param(req, 'subscriptionId'));
    }
    const resourceGroup = 'resourceGroup' in req.params ? param(req, 'resourceGroup') : undefined;
    if (resourceGroup !== undefined && !resourceGroupSchema.safeParse(resourceGroup).success) {
      throw ArmErrors.invalidResourceGroup(resourceGroup);
    }
    (res.locals as ArmLocals).apiVersion = version;
    next();
  };
}

function responder(deps: ArmRouterDeps) {
  const render = (pool: SessionPool, version: ApiVersion): Record<string, unknown> =>
    viewForVersion(
      poolSpecToArmResource(pool.spec, {
        poolManagementEndpoint: deps.emulator.poolEndpoint(pool.name, 'https'),
        provisioningState: deps.operations.provisioningState(pool),
      }),
      shapeOf(version),
    );
  const pollHeaders = (req: Request, op: Operation, withLocation: boolean): Record<string, string> => {
    const origin = requestOrigin(req).base;
    const headers: Record<string, string> = {
      'Azure-AsyncOperation': absoluteUrl(origin, operationStatusPath(op), op.apiVersion),
      'Retry-After': String(deps.retryAfterSeconds),
    };
    if (withLocation) headers.Location = absoluteUrl(origin, operationResultPath(op), op.apiVersion);
    return headers;
  };
  return {
    pool(res: Response, pool: SessionPool, status: number): void {
      res.set(commonHeaders(res.req)).status(status).json(render(pool, locals(res).apiVersion));
    },
    list(res: Response, pools: SessionPool[]): void {
      const version = locals(res).apiVersion;
      res.set(commonHeaders(res.req)).status(200).json({ value: pools.map((pool) => render(pool, version)) });
    },
    write(req: Request, res: Response, result: WriteResult, withLocation: boolean): void {
      res.set(commonHeaders(req));
      if (result.operation) res.set(pollHeaders(req, result.operation, withLocation));
      // A PATCH/DELETE that goes on in the background answers 202 without a body, as ARM does.
      if (!result.pool || result.status === 202 || result.status === 204) {
        res.status(result.status).end();
        return;
      }
      res.status(result.status).json(render(result.pool, locals(res).apiVersion));
    },
    operationStatus(req: Request, res: Response): void {
      const op = findOperation(deps, req);
      if (op.status === 'InProgress') res.set('Retry-After', String(deps.retryAfterSeconds));
      res.set(commonHeaders(req)).status(200).json(statusBody(op));
    },
    operationResult(req: Request, res: Response): void {
      const op = findOperation(deps, req);
      res.set(commonHeaders(req));
      if (op.status === 'InProgress') {
        res.set(pollHeaders(req, op, true)).status(202).end();
        return;
      }
      if (op.error) {
        res.status(op.error.status).json(errorBody(new ArmError(op.error.status, op.error.code, op.error.message)));
        return;
      }
      const pool = op.kind === 'delete' ? undefined : deps.emulator.getPool(op.poolName);
      if (!pool || pool !== op.pool) {
        res.status(204).end();
        return;
      }
      res.status(200).json(render(pool, locals(res).apiVersion));
    },
  };
}

function statusBody(op: Operation): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: operationStatusPath(op),
    name: op.id,
    status: op.status,
    startTime: new Date(op.startTime).toISOString(),
  };
  if (op.endTime !== undefined) body.endTime = new Date(op.endTime).toISOString();
  if (op.error) body.error = { code: op.error.code, message: op.error.message };
  return body;
}

function findOperation(deps: ArmRouterDeps, req: Request): Operation {
  const id = param(req, 'operationId');
  const op = deps.operations.get(id);
  if (!op || op.subscriptionId.toLowerCase() !== param(req, 'subscriptionId').toLowerCase()) {
    throw ArmErrors.operationNotFound(id);
  }
  return op;
}

/** Body-parser failures carry the parser's message, which quotes the body: never pass it on. */
function translateError(error: unknown, deps: ArmRouterDeps): unknown {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return ArmErrors.invalidContent();
  }
  if (type === 'entity.too.large') return ArmErrors.contentTooLarge();
  // Unexpected failures are logged by message only (never with the request): the caller gets a 500.
  if (!(error instanceof ApiError)) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : 'unknown error';
    deps.log(`warning: an ARM request failed unexpectedly: ${message}`);
  }
  return error;
}

/** ARM echoes the client's request id and names its own. */
function commonHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = { 'x-ms-request-id': randomUUID() };
  const clientRequestId = req.get('x-ms-client-request-id');
  if (clientRequestId && /^[\w-]{1,128}$/.test(clientRequestId)) headers['x-ms-client-request-id'] = clientRequestId;
  const correlation = req.get('x-ms-correlation-request-id');
  headers['x-ms-correlation-request-id'] = correlation && /^[\w-]{1,128}$/.test(correlation) ? correlation : randomUUID();
  return headers;
}

function scopeOf(req: Request): PoolScope {
  return {
    subscriptionId: param(req, 'subscriptionId'),
    resourceGroup: param(req, 'resourceGroup'),
    name: param(req, 'name'),
  };
}

function param(req: Request, name: string): string {
  const value: unknown = (req.params as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

function locals(res: Response): ArmLocals {
  return res.locals as ArmLocals;
}
