/** Everything that runs the platform itself, loaded lazily by the CLI (see cli/main.ts). */
export { createToken, revokeToken } from '../core/tokens';
export { ensureAdminToken, openDatabase, startJobs, startRuntime } from './runtime';
export { buildServer } from './server';
export { loadOrCreateSigningKey } from '../core/signing-key';
export { JOB_KINDS, parseJobKinds, queueDepthReader, settleAll } from '../core/jobs';
export { Registry } from 'prom-client';
export { verifyTrail } from '../core/checkpoints';
export { crossCheckTrails } from '../core/cross-check';
export { openStore } from '../core/store/factory';
export { loadMasterKey, rotateMasterKey } from '../core/encryption-keys';
