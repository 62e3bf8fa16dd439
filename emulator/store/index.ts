export { PoolPersistence, type PoolPersistenceOptions, type Undo } from './persistence.js';
export { resetStoredPools, type ResetResult } from './reset.js';
export { POOLS_FILE, poolFilePath, type StoredPool } from './pool-file.js';
