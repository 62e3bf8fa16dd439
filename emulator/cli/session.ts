import { DATA_PLANE_RESOURCE, ServiceError, type EmulatorClient, type HttpResponse, type TokenProvider } from './client.js';
import { CONNECTION_FLAGS, UsageError, parseFlags, requireFlag, stringFlag, type FlagValues } from './pool-args.js';
import { processIo, outputFormat, print, runCommand, type CliIo, type Column } from './pool-output.js';
import { connect, poolPath } from './pool.js';

export const SESSION_USAGE = `Usage: sessionite session <list|show|stop> -n <pool> [options]
  Mirrors 'az containerapp session'. Finds the pool through the ARM API, then calls the pool's
  management endpoint (the platform's /.management routes) with a data-plane token.

  list    -n <pool>                        the pool's allocated sessions
  show    -n <pool> --identifier <id>      one session: createdAt, lastAccessedAt, expiresAt, etag
  stop    -n <pool> --identifier <id>      ends the session now

Common options: -g <rg>, --subscription, -o json|table|tsv|none, --data-dir, --endpoint, --ca, --token
`;

/** The data-plane api-version of the platform's session management routes. */
const MANAGEMENT_API_VERSION = '2025-10-02-preview';

const SESSION_COLUMNS: Column[] = [
  { header: 'Identifier', value: (row) => row.identifier },
  { header: 'CreatedAt', value: (row) => row.createdAt },
  { header: 'LastAccessedAt', value: (row) => row.lastAccessedAt },
  { header: 'ExpiresAt', value: (row) => row.expiresAt },
];

type SessionAction = (client: EmulatorClient, endpoint: string, values: FlagValues) => Promise<unknown>;

const SESSION_ACTIONS: Record<string, SessionAction | undefined> = {
  list: listSessions,
  show: async (client, endpoint, values) => (await management(client, endpoint, 'getSession', identifierOf(values))).json,
  stop: async (client, endpoint, values) => {
    const response = await management(client, endpoint, 'stopSession', identifierOf(values));
    return response.text.trim();
  },
};

/** `sessionite session …`; resolves with the exit code. */
export async function sessionCommand(
  argv: readonly string[],
  io: CliIo = processIo,
  options: { tokenProvider?: TokenProvider } = {},
): Promise<number> {
  const [subcommand = '', ...rest] = argv;
  return runCommand(io, SESSION_USAGE, argv, async () => {
    const action = SESSION_ACTIONS[subcommand];
    if (!action) throw new UsageError(subcommand ? `unknown session command '${subcommand}'` : 'a session command is required');
    const { values, positionals } = parseFlags(rest, { ...CONNECTION_FLAGS, identifier: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] ?? ''}'`);
    const format = outputFormat(stringFlag(values, 'output'));
    const name = requireFlag(values, 'name');
    if (subcommand !== 'list') identifierOf(values);
    const client = await connect(values, options.tokenProvider);
    const result = await action(client, await poolEndpoint(client, values, name), values);
    if (typeof result === 'string') {
      if (format !== 'none') io.out(`${result}\n`);
      return;
    }
    print(io, format, result, SESSION_COLUMNS);
  });
}

function identifierOf(values: FlagValues): string {
  return requireFlag(values, 'identifier');
}

/**
 * The pool's `poolManagementEndpoint`, moved onto the origin this client talks to (same path), so a
 * CLI pointed at another address of the emulator keeps using that address.
 */
async function poolEndpoint(client: EmulatorClient, values: FlagValues, name: string): Promise<string> {
  const pool = (await client.arm('GET', poolPath(values, name))).json as { properties?: { poolManagementEndpoint?: unknown } };
  const endpoint = pool.properties?.poolManagementEndpoint;
  if (typeof endpoint !== 'string') throw new Error(`pool '${name}' has no poolManagementEndpoint`);
  return `${client.origin}${new URL(endpoint).pathname}`;
}

async function management(client: EmulatorClient, endpoint: string, operation: string, identifier?: string): Promise<HttpResponse> {
  const url = new URL(`${endpoint}/.management/${operation}`);
  url.searchParams.set('api-version', MANAGEMENT_API_VERSION);
  if (identifier !== undefined) url.searchParams.set('identifier', identifier);
  return checked(await client.send('POST', url.toString(), { resource: DATA_PLANE_RESOURCE }));
}

/** Every page of `listSessions` (300 per page), following `nextLink`. */
async function listSessions(client: EmulatorClient, endpoint: string): Promise<unknown[]> {
  const sessions: unknown[] = [];
  let response = await management(client, endpoint, 'listSessions');
  for (;;) {
    const page = response.json as { value?: unknown[]; nextLink?: unknown } | undefined;
    sessions.push(...(page?.value ?? []));
    if (typeof page?.nextLink !== 'string') return sessions;
    response = checked(await client.send('POST', page.nextLink, { resource: DATA_PLANE_RESOURCE }));
  }
}

function checked(response: HttpResponse): HttpResponse {
  if (response.status >= 400) throw ServiceError.from(response);
  return response;
}
