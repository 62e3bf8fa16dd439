import { tokenCommand, trustCommand } from './identity-commands.js';
import { startCommand } from './start.js';
import { poolCommand } from './pool.js';
import { resetCommand } from './pool-reset.js';
import { sessionCommand } from './session.js';
import { LOGS_USAGE, logsCommand } from './logs.js';
import { requestsCommand } from './requests.js';

const USAGE = `Usage: sessionite <command> [options]

Commands:
  start   Run the emulator headless and print one JSON ready line
          --config <file>    pools in the ARM sessionPools shape (YAML or JSON)
          --port <n|0>       HTTP port (0: the OS chooses; default 8080)
          --host <address>   address to listen on (default 127.0.0.1)
          --data-dir <dir>   data folder (default $SESSIONITE_DATA_DIR or ~/.sessionite)
          --https-port <n|0> HTTPS port (default 0: the OS chooses)
          --auth <mode>      token checks on the data plane: basic (default), strict, off
          --tls-cert <pem> --tls-key <pem>   serve HTTPS with your own certificate
          --reset            forget every pool stored by earlier runs (ARM/CLI/dashboard) first
  token   Print a token from the running emulator, like az account get-access-token
          --resource <aud>   audience (default https://dynamicsessions.io)
          --output json|tsv  tsv prints the bare token
  trust   Print how to trust the emulator's local CA (Node, Python, curl, OS store)
  pool    create|update|show|list|delete session pools, like az containerapp sessionpool
          (sessionite pool --help for the options)
  session list|show|stop sessions of a pool, like az containerapp session
  reset   Forget the pools created at run time and their stored secrets (emulator stopped)
${LOGS_USAGE}  requests list|show|replay|export|import|status|pause|resume|clear recorded exchanges
          (sessionite requests --help for the options)

The token and trust commands find the running emulator through --data-dir (or --endpoint <https-url>).
`;

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        await startCommand(rest);
        return;
      case 'logs':
        await logsCommand(rest);
        return;
      case 'requests':
        await requestsCommand(rest);
        return;
      case 'token':
        await tokenCommand(rest);
        return;
      case 'trust':
        await trustCommand(rest);
        return;
      case 'pool':
        process.exitCode = await poolCommand(rest);
        return;
      case 'session':
        process.exitCode = await sessionCommand(rest);
        return;
      case 'reset':
        process.exitCode = await resetCommand(rest);
        return;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return;
      default:
        process.stderr.write(`sessionite: unknown command '${command}'\n\n${USAGE}`);
        process.exitCode = 2;
    }
  } catch (error) {
    process.stderr.write(`sessionite: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = process.exitCode || 1;
  }
}
