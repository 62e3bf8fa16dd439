import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ValidationIssue } from '../config/issues.js';
import { ApiError } from '../errors.js';

/**
 * Errors of the ARM control plane, in ARM's wire format:
 * `{"error":{"code","message","target"?,"details"?:[{code,message,target}]}}` plus `x-ms-error-code`.
 * Messages quote request values only where ARM does (api-version, names from the URL), shortened and
 * stripped of control characters; they never quote a request body, which may carry secret values.
 */
export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export class ArmError extends ApiError {
  constructor(
    status: number,
    code: string,
    message: string,
    target?: string,
    readonly details: readonly ArmErrorDetail[] = [],
  ) {
    super(status, code, message, target);
    this.name = 'ArmError';
  }
}

/** A value from the URL, safe to put into a message. */
export function quoted(value: string): string {
  const clean = [...value].filter((char) => char >= ' ' && char !== '\u007f').join('');
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}

export const ArmErrors = {
  missingApiVersion: () =>
    new ArmError(
      400,
      'MissingApiVersionParameter',
      "The api-version query parameter (?api-version=) is required for all requests.",
      'api-version',
    ),
  invalidApiVersion: (version: string, supported: readonly string[]) =>
    new ArmError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${quoted(version)}' is invalid. The supported versions are '${supported.join(',')}'.`,
      'api-version',
    ),
  resourceNotFound: (resourceGroup: string, name: string) =>
    new ArmError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.App/sessionPools/${quoted(name)}' under resource group '${quoted(resourceGroup)}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  operationNotFound: (id: string) =>
    new ArmError(404, 'OperationNotFound', `The operation '${quoted(id)}' was not found; operations are kept in memory for one hour and are lost when the emulator restarts.`),
  invalidContent: () =>
    new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: expected a JSON object.'),
  contentTooLarge: () => new ArmError(413, 'RequestEntityTooLarge', 'The request content is larger than 1 MB.'),
  invalidSubscriptionId: (subscriptionId: string) =>
    new ArmError(
      400,
      'InvalidSubscriptionId',
      `The provided subscription identifier '${quoted(subscriptionId)}' is malformed or invalid.`,
      'subscriptionId',
    ),
  invalidResourceGroup: (resourceGroup: string) =>
    new ArmError(
      400,
      'InvalidResourceGroupName',
      `Resource group name '${quoted(resourceGroup)}' is invalid: it must be 1–90 letters, digits, '_', '-', '.', '(' or ')' and must not end in '.'.`,
      'resourceGroupName',
    ),
  nameInUse: (name: string, resourceGroup: string) =>
    new ArmError(
      409,
      'SessionPoolNameNotAvailable',
      `A session pool named '${quoted(name)}' already exists in resource group '${quoted(resourceGroup)}'. Sessionite keeps pool names unique across resource groups and subscriptions; choose another name.`,
      'name',
    ),
  propertyChangeNotAllowed: (path: string) =>
    new ArmError(
      400,
      'PropertyChangeNotAllowed',
      `Changing property '${path}' is not allowed: it cannot be updated once the session pool exists. Delete and re-create the pool to change it.`,
      path,
    ),
  methodNotAllowed: (method: string) =>
    new ArmError(405, 'HttpMethodNotAllowed', `The HTTP method '${quoted(method)}' is not supported for this resource.`),
  shuttingDown: () => new ArmError(503, 'EmulatorShuttingDown', 'The emulator is shutting down.'),
};

/** A rejected definition; keeps the issues for callers that show them their own way (the dashboard). */
export class ArmValidationError extends ArmError {
  constructor(
    readonly issues: readonly ValidationIssue[],
    status: number,
    code: string,
    message: string,
    target?: string,
    details: readonly ArmErrorDetail[] = [],
  ) {
    super(status, code, message, target, details);
  }
}

/** One issue → one error; several → `MultipleErrorsOccurred` with one detail each, as ARM reports them. */
export function validationError(issues: readonly ValidationIssue[]): ArmValidationError {
  const details = issues.map(issueDetail);
  const [first] = details;
  if (details.length === 1 && first) return new ArmValidationError(issues, 400, first.code, first.message, first.target);
  return new ArmValidationError(
    issues,
    400,
    'MultipleErrorsOccurred',
    `Multiple errors occurred: ${details.length}. Please see details.`,
    undefined,
    details,
  );
}

function issueDetail(issue: ValidationIssue): ArmErrorDetail {
  const rule = issue.rule.endsWith('.') ? issue.rule : `${issue.rule}.`;
  const message = issue.path === '' ? rule.charAt(0).toUpperCase() + rule.slice(1) : `${issue.path} ${rule}`;
  return issue.path === '' ? { code: issue.code, message } : { code: issue.code, message, target: issue.path };
}

export function errorBody(error: ApiError): { error: Record<string, unknown> } {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.target) body.target = error.target;
  if (error instanceof ArmError && error.details.length > 0) body.details = error.details;
  return { error: body };
}

/** Anything that is not an ApiError becomes a 500 whose message reveals nothing about the request. */
export function sendArmError(res: ServerResponse, error: unknown, headers: Record<string, string> = {}): void {
  const apiError =
    error instanceof ApiError ? error : new ApiError(500, 'InternalServerError', 'The emulator failed to handle the request.');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(errorBody(apiError));
  res.writeHead(apiError.status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-ms-error-code': apiError.code,
    'x-ms-request-id': randomUUID(),
  });
  res.end(text);
}
