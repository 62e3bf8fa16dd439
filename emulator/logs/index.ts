/**
 * Session console logs and platform events, as Log Analytics tables queried with KQL.
 * See `emulator/logs/README.md` for the schemas, the capture guarantees and the store format.
 */
export { createLogsExtension, type LogsExtension, type LogsExtensionOptions } from './extension.js';
export { LogStore, type LogStoreOptions, type RetentionOptions } from './store.js';
export { LogCapture, type CaptureOptions } from './capture.js';
export { logsApiRouter } from './routes.js';
export * from './contract.js';
