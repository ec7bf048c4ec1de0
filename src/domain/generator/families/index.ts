/** Every fault family the generator can draw. */
import type { Family } from '../types.js';
import { badDeploy } from './bad-deploy.js';
import { cacheOom } from './cache-oom.js';
import { certificateExpiry } from './certificate-expiry.js';
import { clockSkew } from './clock-skew.js';
import { connectionPoolExhaustion } from './connection-pool.js';
import { cpuThrottling } from './cpu-throttling.js';
import { diskFull } from './disk-full.js';
import { dnsMisconfig } from './dns-misconfig.js';
import { featureFlag } from './feature-flag.js';
import { memoryLeak } from './memory-leak.js';
import { queueBacklog } from './queue-backlog.js';
import { rateLimitMisconfig } from './rate-limit.js';
import { replicaLag } from './replica-lag.js';
import { partialSecretRotation } from './secret-rotation.js';
import { thirdPartyOutage } from './third-party.js';

export const FAMILIES: readonly Family[] = [
  connectionPoolExhaustion,
  cacheOom,
  partialSecretRotation,
  certificateExpiry,
  badDeploy,
  memoryLeak,
  diskFull,
  queueBacklog,
  dnsMisconfig,
  replicaLag,
  cpuThrottling,
  rateLimitMisconfig,
  featureFlag,
  clockSkew,
  thirdPartyOutage,
];

export const FAMILY_IDS: readonly string[] = FAMILIES.map((f) => f.id);
export const familyById = (id: string) => FAMILIES.find((f) => f.id === id);
