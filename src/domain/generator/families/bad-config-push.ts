import { faultOf, key, line, remedy, say } from '../kit.js';
import type { Family, FaultBuild } from '../types.js';

/** The minute (from the onset) a bad revision is pushed. */
export const CONFIG_PUSH_AT = -4;

export const badConfigPush: Family = {
  id: 'bad_config_push',
  title: 'Bad configuration push',
  rootTiers: ['config'],
  variants: [{ id: 'invalid_value' }, { id: 'catastrophic_regex', splits: ['test'] }],
  claim: [['config', 'configuration'], ['invalid value', 'bad value', 'invalid', 'malformed', 'regex', 'regular expression', 'backtrack']],
  build(ctx): FaultBuild {
    const { root, rng, topo, split } = ctx;
    const watcher = topo.callers(root.name)[0]!;
    const rev = rng.int(1000, 9999);
    const invalid = ctx.variant === 'invalid_value';
    const keyName = rng.pick(['http.client.timeout', 'pool.max_idle', 'retry.backoff']);
    const targets = rng.int(6, 30);
    return {
      ...faultOf(this, ctx),
      remedy: remedy('revert_config', root),
      decoys: [remedy('restart', watcher), remedy('complete_rollout', root), remedy('restart', root)],
      rootOverview: { error_rate: 0.002 },
      // Pushed to every watcher at once: its watchers are the rollout's targets.
      rootDetail: { last_rollout_targets: targets, last_rollout_failed: 0, config_revision: rev, watchers: targets },
      after: { config_revision: rev + 1, last_rollout_targets: targets, watchers: targets },
      rootLogs: [
        key(CONFIG_PUSH_AT, 'INFO', invalid ? say(split, `revision ${rev} published: ${keyName}="0ms" (by deploy-bot)`, `rev ${rev} distributed: set ${keyName} = "" (deploy-bot)`) : say(split, `revision ${rev} published: waf.rules += "(?:(?:\\"|'|\\]|\\}|\\\\|\\d).*)*=.*" (by deploy-bot)`, `rev ${rev} distributed: filter pattern ".*(?:.*=.*)" added (deploy-bot)`)),
        line(CONFIG_PUSH_AT, 'INFO', say(split, `revision ${rev} delivered to all watchers`, `rev ${rev} acknowledged by every watcher`)),
      ],
      rootAlert: { metric: 'config_revision', op: '>', threshold: rev - 1, severity: 'INFO', label: 'configuration changed' },
      callerLog: () =>
        invalid
          ? { level: 'ERROR', msg: say(split, `config revision ${rev}: ${keyName}="0ms" rejected; every outbound call now times out immediately`, `applying config rev ${rev}: ${keyName} empty, using 0; requests fail with deadline exceeded`) }
          : { level: 'ERROR', msg: say(split, `config revision ${rev}: request filter took ${rng.int(900, 3000)}ms per request (regex backtracking); CPU 100%`, `filter evaluation exceeded ${rng.int(900, 3000)}ms after rev ${rev}; workers pegged at 100% CPU`) },
      callsSucceed: true,
      callerImpact: { error_rate: rng.int(25, 50) / 100, latency_ms: invalid ? rng.int(10, 100) : rng.int(2000, 6000), ...(invalid ? {} : { cpu_pct: rng.int(96, 100) }) },
      mechanism: invalid ? `configuration revision ${rev} from ${root.name} set ${keyName} to an invalid value, so every service that watches it applied it and failed its outbound calls.` : `configuration revision ${rev} from ${root.name} added a request filter whose regular expression backtracks catastrophically, pinning the CPU of every service that applied it.`,
      trigger: `configuration revision ${rev}, pushed to every watcher at once.`,
      concepts: {
        mechanism: invalid ? [['config', 'configuration'], ['invalid', 'bad value', 'empty', '0ms', keyName]] : [['config', 'configuration', 'filter'], ['regex', 'regular expression', 'backtrack', 'cpu']],
        trigger: [['revision', 'push', 'pushed', `${rev}`]],
        remediation: [['revert', 'reverted', 'roll back', 'rolled back', 'previous revision']],
      },
    };
  },
};
