/** Every fault family the generator can draw. */
import type { Family, Split } from '../types.js';
import { autoscalerMisconfig } from './autoscaler.js';
import { badConfigPush } from './bad-config-push.js';
import { badDeploy } from './bad-deploy.js';
import { cacheOom } from './cache-oom.js';
import { certificateExpiry } from './certificate-expiry.js';
import { clockSkew } from './clock-skew.js';
import { connectionLeak } from './connection-leak.js';
import { connectionPoolExhaustion } from './connection-pool.js';
import { cpuThrottling } from './cpu-throttling.js';
import { databaseCredentialMismatch } from './credential-rotation.js';
import { diskFull } from './disk-full.js';
import { dnsMisconfig } from './dns-misconfig.js';
import { expiredApiCredential } from './expired-credential.js';
import { featureFlag } from './feature-flag.js';
import { memoryLeak } from './memory-leak.js';
import { nodeNetworkDegradation } from './node-network.js';
import { queueBacklog } from './queue-backlog.js';
import { rateLimitMisconfig } from './rate-limit.js';
import { replicaLag } from './replica-lag.js';
import { runawayQuery } from './runaway-query.js';
import { partialSecretRotation } from './secret-rotation.js';
import { silentFallback } from './silent-fallback.js';
import { thirdPartyOutage } from './third-party.js';
import { threadPoolExhaustion } from './thread-pool.js';

export const FAMILIES: readonly Family[] = [
  connectionPoolExhaustion,
  connectionLeak,
  cacheOom,
  partialSecretRotation,
  databaseCredentialMismatch,
  certificateExpiry,
  expiredApiCredential,
  badDeploy,
  memoryLeak,
  threadPoolExhaustion,
  diskFull,
  queueBacklog,
  dnsMisconfig,
  replicaLag,
  runawayQuery,
  cpuThrottling,
  nodeNetworkDegradation,
  autoscalerMisconfig,
  rateLimitMisconfig,
  badConfigPush,
  featureFlag,
  clockSkew,
  thirdPartyOutage,
  silentFallback,
];

export const FAMILY_IDS: readonly string[] = FAMILIES.map((f) => f.id);
export const familyById = (id: string) => FAMILIES.find((f) => f.id === id);
/** The variants a split may draw. */
export const variantsFor = (f: Family, split: Split) => f.variants.filter((v) => !v.splits || v.splits.includes(split));
