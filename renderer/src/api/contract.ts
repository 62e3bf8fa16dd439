/** The renderer's only door into `emulator/`: the admin API contract, shared with the server. */
export * from '../../../emulator/admin/contract.js';
