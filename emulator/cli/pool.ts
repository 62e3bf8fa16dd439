import { DEFAULT_RESOURCE_GROUP, DEFAULT_SUBSCRIPTION_ID } from '../config/file-schema.js';
import { EmulatorClient, type TokenProvider } from './client.js';
import { CONNECTION_FLAGS, UsageError, parseFlags, requireFlag, stringFlag, type FlagValues } from './pool-args.js';
import { POOL_FLAGS, createBody, updatePatch } from './pool-body.js';
import { processIo, outputFormat, print, runCommand, type CliIo, type Column } from './pool-output.js';

export const POOL_USAGE = `Usage: sessionite pool <create|update|show|list|delete> [options]
  Mirrors 'az containerapp sessionpool'. Talks to the running emulator's ARM API.

  create  -n <name> --image <ref> [--target-port <n>] [--cpu 0.25..2] [--memory 0.5Gi..4Gi]
          [--lifecycle-type Timed|OnContainerExit] [--cooldown-period <s>] [--max-alive-period <s>]
          [--max-sessions <n>] [--ready-sessions <n>] [--network-status EgressDisabled|EgressEnabled]
          [--env-vars K=v K2=secretref:name …] [--secrets name=value …] [--command …] [--args …]
          [--registry-server <host> --registry-username <u> --registry-password <p>] [--registry-identity <id>]
          [--mi-system-assigned] [--mi-user-assigned <id> …] [--location <l>] [--environment <id>]
          [--container-type CustomContainer] [--tags k=v …] [--no-wait]
  update  -n <name> and any create option to change (arrays such as --env-vars replace the old list)
  show    -n <name>
  list    [-g <group>]          (all pools of the subscription without -g)
  delete  -n <name> [--yes] [--no-wait]

Common options:
  -g, --resource-group <rg>   default 'sessionite'       --subscription <id>  default 0000…0000
  -o, --output json|table|tsv|none (default json)
  --data-dir <dir>            finds the running emulator (default $SESSIONITE_DATA_DIR or ~/.sessionite)
  --endpoint <https-url> [--ca <pem>]   talk to an emulator elsewhere
  --token <jwt>               bearer token to send (default: one from the emulator's token service;
                              also $SESSIONITE_TOKEN); --client-id/--client-secret for its app registrations
`;

export const POOL_COLUMNS: Column[] = [
  { header: 'Name', value: (row) => row.name },
  { header: 'ResourceGroup', value: (row) => /\/resourceGroups\/([^/]+)\//i.exec(String(row.id))?.[1] },
  { header: 'Location', value: (row) => row.location },
  { header: 'ProvisioningState', value: (row) => props(row).provisioningState },
  { header: 'Image', value: (row) => container(row).image },
  { header: 'Ready', value: (row) => scale(row).readySessionInstances },
  { header: 'Max', value: (row) => scale(row).maxConcurrentSessions },
  { header: 'Endpoint', value: (row) => props(row).poolManagementEndpoint },
];

/** `sessionite pool …`; resolves with the exit code. */
export async function poolCommand(
  argv: readonly string[],
  io: CliIo = processIo,
  options: { tokenProvider?: TokenProvider } = {},
): Promise<number> {
  const [subcommand = '', ...rest] = argv;
  return runCommand(io, POOL_USAGE, argv, async () => {
    const action = POOL_ACTIONS[subcommand];
    if (!action) throw new UsageError(subcommand ? `unknown pool command '${subcommand}'` : 'a pool command is required');
    const { values, positionals } = parseFlags(rest, { ...CONNECTION_FLAGS, ...POOL_FLAGS, yes: { type: 'boolean', short: 'y' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] ?? ''}'`);
    const format = outputFormat(stringFlag(values, 'output'));
    if (subcommand !== 'list') requireFlag(values, 'name');
    const result = await action(await connect(values, options.tokenProvider), values);
    if (result !== undefined) print(io, format, result, POOL_COLUMNS);
  });
}

type PoolAction = (client: EmulatorClient, values: FlagValues) => Promise<unknown>;

const POOL_ACTIONS: Record<string, PoolAction | undefined> = {
  create,
  update,
  show: async (client, values) => (await client.arm('GET', poolPath(values, requireFlag(values, 'name')))).json,
  list,
  delete: remove,
};

export async function connect(values: FlagValues, tokenProvider?: TokenProvider): Promise<EmulatorClient> {
  return EmulatorClient.connect({
    dataDir: stringFlag(values, 'data-dir'),
    endpoint: stringFlag(values, 'endpoint'),
    ca: stringFlag(values, 'ca'),
    token: stringFlag(values, 'token') ?? process.env.SESSIONITE_TOKEN,
    clientId: stringFlag(values, 'client-id'),
    clientSecret: stringFlag(values, 'client-secret'),
    tokenProvider,
  });
}

export function poolPath(values: FlagValues, name: string): string {
  return `${groupPath(values, stringFlag(values, 'resource-group') ?? DEFAULT_RESOURCE_GROUP)}/${encodeURIComponent(name)}`;
}

function groupPath(values: FlagValues, resourceGroup: string): string {
  const subscription = stringFlag(values, 'subscription') ?? DEFAULT_SUBSCRIPTION_ID;
  return `/subscriptions/${encodeURIComponent(subscription)}/resourceGroups/${encodeURIComponent(resourceGroup)}/providers/Microsoft.App/sessionPools`;
}

async function create(client: EmulatorClient, values: FlagValues): Promise<unknown> {
  const name = requireFlag(values, 'name');
  const path = poolPath(values, name);
  const response = await client.arm('PUT', path, createBody(values, name));
  if (values['no-wait'] === true) return response.json;
  await client.waitFor(response);
  return (await client.arm('GET', path)).json;
}

async function update(client: EmulatorClient, values: FlagValues): Promise<unknown> {
  const path = poolPath(values, requireFlag(values, 'name'));
  const current = (await client.arm('GET', path)).json as Record<string, unknown>;
  const response = await client.arm('PATCH', path, updatePatch(values, current));
  if (values['no-wait'] === true) return response.json ?? current;
  await client.waitFor(response);
  return (await client.arm('GET', path)).json;
}

async function list(client: EmulatorClient, values: FlagValues): Promise<unknown> {
  const resourceGroup = stringFlag(values, 'resource-group');
  const subscription = stringFlag(values, 'subscription') ?? DEFAULT_SUBSCRIPTION_ID;
  const path = resourceGroup
    ? groupPath(values, resourceGroup)
    : `/subscriptions/${encodeURIComponent(subscription)}/providers/Microsoft.App/sessionPools`;
  return ((await client.arm('GET', path)).json as { value?: unknown[] } | undefined)?.value ?? [];
}

/** No confirmation prompt: `--yes` is accepted for az compatibility. */
async function remove(client: EmulatorClient, values: FlagValues): Promise<undefined> {
  const response = await client.arm('DELETE', poolPath(values, requireFlag(values, 'name')));
  if (values['no-wait'] !== true) await client.waitFor(response);
  return undefined;
}

function props(row: Record<string, unknown>): Record<string, unknown> {
  return (row.properties as Record<string, unknown> | undefined) ?? {};
}

function scale(row: Record<string, unknown>): Record<string, unknown> {
  return (props(row).scaleConfiguration as Record<string, unknown> | undefined) ?? {};
}

function container(row: Record<string, unknown>): Record<string, unknown> {
  const template = props(row).customContainerTemplate as { containers?: Record<string, unknown>[] } | undefined;
  return template?.containers?.[0] ?? {};
}
