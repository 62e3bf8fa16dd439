import type { Scenario } from '../lib/types.js';
import { burstScenario } from './burst.js';
import { coldScenario } from './cold.js';
import { forwardingScenario } from './forwarding.js';
import { kqlScenario } from './kql.js';
import { logChatterScenario } from './logs-chatter.js';
import { logIngestScenario } from './logs.js';
import { raceScenario } from './race.js';
import { recordingScenario } from './recording.js';
import { scaleScenario } from './scale.js';
import { startupScenario } from './startup.js';
import { streamingScenario } from './streaming.js';
import { warmScenario } from './warm.js';

/**
 * The scenario registry, in run order. `--only`/`--skip` select by id. A new scenario is one file
 * exporting a `Scenario` plus one line here; its metrics, targets and baselines flow into the JSON
 * file and the table without further changes.
 */
export const scenarios: readonly Scenario[] = [
  startupScenario,
  warmScenario,
  forwardingScenario,
  streamingScenario,
  coldScenario,
  raceScenario,
  burstScenario,
  scaleScenario,
  logIngestScenario,
  logChatterScenario,
  kqlScenario,
  recordingScenario,
];
