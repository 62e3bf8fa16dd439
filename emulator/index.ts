export { Emulator, type EmulatorOptions, type ReadyInfo, type EmulatorState } from './emulator.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export { EventStream, type EngineEvent, type TimedEvent, type StopReason } from './events.js';
export { ApiError, Errors } from './errors.js';
export type { PoolSpec, EngineLimits } from './pool/spec.js';
export type { ContainerRuntime } from './runtime/types.js';
