/** Generated incidents read like production: each kind of service logs like itself, one timeline, alerts that follow the state. */
import { describe, expect, it } from 'vitest';
import { DIFFICULTIES, FAMILIES, SPLITS, generateScenario, generatedTask, observe, reset, step, type Scenario } from '../../src/domain/index.js';
import { tierOf } from '../../src/agents/rule.js';
import { act, playActions } from '../helpers/step.js';

const sample: Scenario[] = [];
for (const difficulty of DIFFICULTIES) for (const split of SPLITS) for (let seed = 0; seed < 25; seed++) sample.push(generateScenario({ seed: 400_000 + seed, difficulty, split, family: null }));
for (const f of FAMILIES) for (const split of SPLITS) for (let seed = 0; seed < 4; seed++) sample.push(generateScenario({ seed, difficulty: 'hard', split, family: f.id }));

const message = (line: string) => line.replace(/^\[ev-[0-9a-f]{4}\] \S+Z \S+\s+/, '');
/** A recurrence of an earlier line: its evidence id with the minute it was written (`[ev-3c36-27]`). */
const recurrence = (line: string) => /^\[ev-[0-9a-f]{4}-\d+\]/.test(line);
const SERVES_HTTP = /^(GET|POST|PUT|DELETE) \/\S* \d{3}\b|^method=(GET|POST)\b.*\bstatus=\d{3}|"(GET|POST) \/[^"]*HTTP\/1\.1" \d{3}/;

describe('each kind of service logs like itself', () => {
  it('data stores, queues, DNS, config and secrets never log serving an HTTP request; consumers never serve one either', () => {
    for (const s of sample) {
      for (const svc of s.services) {
        const tier = tierOf(svc.name);
        if (!['cache', 'db', 'queue', 'dns', 'config', 'secrets', 'worker'].includes(tier)) continue;
        for (const line of svc.logs) expect(message(line), `${svc.name}: ${line}`).not.toMatch(SERVES_HTTP);
      }
    }
  });

  it('routine lines vary: counters and timestamps are jittered, not pasted', () => {
    for (const s of sample.filter((x) => x.difficulty === 'expert')) {
      const seconds = new Set(s.services.flatMap((svc) => svc.logs.map((l) => l.slice(27, 29))));
      expect(seconds.size).toBeGreaterThan(20);
      const bodies = s.services.flatMap((svc) => svc.logs.filter((l) => / INFO {2}/.test(l)).map(message));
      // No routine (INFO) line repeats verbatim across the incident: numbers differ.
      const counts = new Map<string, number>();
      for (const b of bodies) counts.set(b, (counts.get(b) ?? 0) + 1);
      const pasted = [...counts].filter(([b, n]) => n > 2 && !/healthz|\/ready/.test(b));
      expect(pasted).toEqual([]);
    }
  });

  it('a service speaks of a database pool only if it has a database, and a leaking service never logs a healthy heap', () => {
    let leaks = 0;
    for (const s of sample) {
      const tierOfService = new Map(s.services.map((x) => [x.name, tierOf(x.name)]));
      for (const svc of s.services) {
        const pools = svc.logs.map(message).filter((m) => /^(db pool:|sql pool )/.test(m));
        if (!svc.depends_on.some((d) => tierOfService.get(d) === 'db')) expect(pools, `${svc.name} (${svc.depends_on.join(', ')})`).toEqual([]);
      }
      for (const f of s.generated!.faults.filter((x) => x.family === 'memory_leak')) {
        const root = s.services.find((x) => x.name === f.root_cause)!;
        expect(root.logs.map(message).filter((m) => /^(gc: young collection|runtime: heap_inuse=\d+MiB goroutines)/.test(m)), root.name).toEqual([]);
        leaks++;
      }
    }
    expect(leaks).toBeGreaterThan(3);
  });

  it('red herrings look like real lines: no line announces itself as a guess', () => {
    for (const s of sample) for (const svc of s.services) for (const line of svc.logs) expect(line).not.toMatch(/possible cause|red herring|suspect|might be/i);
  });
});

describe('one consistent timeline', () => {
  it('every service\'s log is in time order and ends before detection', () => {
    for (const s of sample) {
      const detected = Date.parse(s.generated!.dynamics.detected_at);
      for (const svc of s.services) {
        const times = svc.logs.map((l) => Date.parse(l.slice(10, 30)));
        expect(times).toEqual([...times].sort((a, b) => a - b));
        for (const t of times) expect(t).toBeLessThanOrEqual(detected + 60_000);
      }
    }
  });

  it('every root cascades: each fault affects at least one other service', () => {
    for (const s of sample) for (const f of s.generated!.faults) expect(f.affected.length, `${f.family} at ${f.root_cause}`).toBeGreaterThan(0);
  });

  it('a broken DNS record fails only the services that look up the name it broke', () => {
    let checked = 0;
    for (const split of SPLITS) {
      for (let seed = 0; seed < 40; seed++) {
        const s = generateScenario({ seed: 510_000 + seed, difficulty: 'hard', split, family: 'dns_misconfiguration' });
        const g = s.generated!;
        const root = s.services.find((x) => x.name === g.faults[0]!.root_cause)!;
        const broken = s.services.filter((x) => x.name !== root.name && root.logs.some((l) => l.includes(`${x.name}.internal`))).map((x) => x.name);
        expect(broken.length).toBe(1);
        const direct = Object.entries(g.dynamics.services).filter(([, d]) => d.fault === 0 && d.hop === 1).map(([name]) => s.services.find((x) => x.name === name)!);
        // The callers of the DNS server the fault reaches all call the service whose record broke.
        for (const c of direct.filter((x) => x.depends_on.includes(root.name))) expect(c.depends_on, c.name).toContain(broken[0]);
        checked += direct.length;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe('alerts are data and follow the simulated state', () => {
  const ALERT = /^\[(CRITICAL|WARNING|INFO|RESOLVED)\] ([a-z0-9-]+): ([^(]+) \(([a-z0-9_]+)=([-0-9.]+|n\/a), threshold ([<>]) ([-0-9.]+)\)$/;

  it('no alert states a cause', () => {
    for (const s of sample) {
      for (const r of s.generated!.dynamics.alert_rules) expect(r.label).not.toMatch(/deploy|since|caused|due to|because|root|release|version|leak|expired|poison|misconfig/i);
    }
  });

  it('every alert shows its metric\'s current value; firing exactly while it breaches; RESOLVED once it recovers', () => {
    for (let seed = 0; seed < 30; seed++) {
      const task = generatedTask({ seed: 500_000 + seed, difficulty: 'easy', split: seed % 2 ? 'test' : 'train', family: null });
      const f = task.scenario.generated!.faults[0]!;
      let ep = reset(task);
      const check = () => {
        const obs = observe(task, ep);
        for (const text of obs.alerts) {
          const m = ALERT.exec(text);
          expect(m, text).not.toBeNull();
          const [, status, , , , value, op, threshold] = m!;
          const v = Number(value);
          const breach = op === '>' ? v > Number(threshold) : v < Number(threshold);
          expect(breach, text).toBe(status !== 'RESOLVED');
        }
        return obs;
      };
      const before = check();
      const step1 = step(task, ep, { action_type: 'investigate', target: f.root_cause });
      if (!step1.ok) throw new Error('investigate');
      ep = step1.episode;
      const fixed = step(task, ep, { action_type: 'apply_fix', target: f.fix });
      if (!fixed.ok) throw new Error('fix');
      ep = fixed.episode;
      for (let i = 0; i < 3; i++) {
        const o = step(task, ep, { action_type: 'no_op', target: '' });
        if (!o.ok) throw new Error('noop');
        ep = o.episode;
      }
      const after = check();
      const firingBefore = before.alerts.filter((a) => !a.startsWith('[RESOLVED]')).length;
      expect(firingBefore).toBeGreaterThan(0);
      expect(after.alerts.filter((a) => a.startsWith('[RESOLVED]')).length).toBeGreaterThan(0);
      expect(after.alerts.filter((a) => a.startsWith('[CRITICAL]')).length).toBe(0);
    }
  });

  it('detail metrics follow the fix too: the root\'s readings recover with its overview', () => {
    const task = generatedTask({ seed: 3, difficulty: 'easy', split: 'train', family: 'cache_oom' });
    const f = task.scenario.generated!.faults[0]!;
    let ep = reset(task);
    const inv = step(task, ep, { action_type: 'investigate', target: f.root_cause });
    if (!inv.ok) throw new Error('investigate');
    ep = inv.episode;
    expect(observe(task, ep).metrics[f.root_cause]!.memory_used_pct).toBe(100);
    const fix = step(task, ep, { action_type: 'apply_fix', target: f.fix });
    if (!fix.ok) throw new Error('fix');
    ep = fix.episode;
    for (let i = 0; i < 3; i++) {
      const o = step(task, ep, { action_type: 'no_op', target: '' });
      if (!o.ok) throw new Error('noop');
      ep = o.episode;
    }
    expect(observe(task, ep).metrics[f.root_cause]!.memory_used_pct).toBeLessThan(95);
  });
});

describe('symptoms stop spreading once the fault is stopped', () => {
  it('no alert starts firing after the remedy is in (it would vanish again, unresolved, as the fault fades)', () => {
    let checked = 0;
    for (const difficulty of ['easy', 'medium', 'hard'] as const) {
      for (let seed = 0; seed < 30; seed++) {
        const task = generatedTask({ seed: 580_000 + seed, difficulty, split: 'test', family: null });
        const g = task.scenario.generated!;
        if (g.faults.length !== 1 || g.faults[0]!.needs_first?.length) continue;
        // Wait first, so the fix lands a minute or two before the symptoms' next spread step.
        const look = { action_type: 'investigate' as const, target: g.faults[0]!.root_cause, view: 'metrics' as const };
        const waitMinutes = g.dynamics.spread_every_min - g.dynamics.fix_minutes[g.faults[0]!.fix]! - 2;
        const fixed = playActions(task, [...Array.from({ length: Math.max(0, Math.ceil(waitMinutes / 2)) }, () => look), { action_type: 'apply_fix', target: g.faults[0]!.fix }]);
        if (fixed.done) continue;
        const firing = (ep: ReturnType<typeof playActions>) => new Set(observe(task, ep).alerts.filter((a) => !a.startsWith('[RESOLVED]')).map((a) => a.slice(a.indexOf('] ') + 2, a.indexOf(' ('))));
        const atFix = firing(fixed);
        const errorsAtFix = observe(task, fixed).metrics;
        let ep = fixed;
        for (let i = 0; i < 8 && !ep.done; i++) {
          ep = act(task, ep, { action_type: 'investigate', target: g.faults[0]!.root_cause, view: 'metrics' }).episode;
          for (const a of firing(ep)) expect(atFix.has(a), `${difficulty} ${580_000 + seed} minute ${ep.minutes}: ${a}`).toBe(true);
          // Nor does any service's error rate rise: nothing new is reached.
          for (const [name, m] of Object.entries(observe(task, ep).metrics)) {
            const ceiling = Math.max(errorsAtFix[name]!.error_rate!, task.serviceByName.get(name)!.overview.error_rate!);
            expect(m.error_rate!, `${difficulty} ${580_000 + seed} ${name} minute ${ep.minutes}`).toBeLessThanOrEqual(ceiling + 1e-9);
          }
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe('families', () => {
  it('23 or more families, each with at least two signatures and one that only the held-out split draws', () => {
    expect(FAMILIES.length).toBeGreaterThanOrEqual(23);
    for (const f of FAMILIES) {
      expect(f.variants.length, f.id).toBeGreaterThanOrEqual(2);
      expect(f.variants.some((v) => v.splits?.length === 1 && v.splits[0] === 'test'), f.id).toBe(true);
    }
  });
});

describe('hard and expert callers report addresses, as clients do', () => {
  it('a caller of the root logs the address it dialled (the port of the root\'s kind), not the root\'s name', () => {
    let checked = 0;
    for (let seed = 0; seed < 40; seed++) {
      const s = generateScenario({ seed: 600_000 + seed, difficulty: 'hard', split: seed % 2 ? 'test' : 'train', family: null });
      const d = s.generated!.dynamics;
      for (const f of s.generated!.faults) {
        const address = d.services[f.root_cause]!.address;
        const callers = s.services.filter((x) => x.depends_on.includes(f.root_cause) && d.services[x.name]!.hop === 1);
        for (const c of callers) {
          const lines = c.logs.filter((l) => / (ERROR|WARN) /.test(l));
          const naming = lines.filter((l) => new RegExp(`(?<![a-z0-9-])${f.root_cause}(?![a-z0-9-]|\\.internal)`).test(l));
          expect(naming, `${c.name} names ${f.root_cause}`).toEqual([]);
          if (lines.some((l) => l.includes(address))) checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('victims look like victims of the fault they suffer', () => {
  it('a fault that fails calls fast leaves no caller with threads piled up waiting on it, and callers log it failing fast (expert, 5 fast families × 100 seeds × 2 splits)', () => {
    const fast = ['database_credential_mismatch', 'partial_secret_rotation', 'expired_api_credential', 'clock_skew', 'certificate_expiry'];
    let incidents = 0;
    let durations = 0;
    for (const family of fast) {
      for (const split of ['train', 'test'] as const) {
        for (let seed = 0; seed < 100; seed++) {
          const task = generatedTask({ seed, difficulty: 'expert', split, family });
          const roots = new Set(task.scenario.generated!.faults.map((f) => f.root_cause));
          if (roots.size !== 1) continue;
          incidents++;
          for (const s of task.scenario.services) {
            if (roots.has(s.name)) continue;
            for (const line of s.logs ?? []) {
              expect(line, `${family} ${split} ${seed} ${s.name}`).not.toMatch(/thread pool exhausted|worker pool saturated/);
              // Callers that log only their own failing requests log fast failures, not timeouts.
              const took = /(?:duration_ms=|after |\b5\d\d )(\d+)ms|duration_ms=(\d+)/.exec(line);
              if (/ ERROR /.test(line) && took) {
                durations++;
                expect(Number(took[1] ?? took[2]), line).toBeLessThan(1000);
              }
            }
          }
        }
      }
    }
    expect(incidents).toBeGreaterThan(100);
    expect(durations).toBeGreaterThan(20);
  });
});

describe('a change leaves its trace', () => {
  it('the service a change is made to logs it when it takes effect, once, with an evidence id that can be cited', () => {
    for (const split of SPLITS) {
      for (let seed = 0; seed < 10; seed++) {
        const task = generatedTask({ seed: 520_000 + seed, difficulty: 'hard', split, family: null });
        const fix = task.scenario.fixes.find((f) => f.id.startsWith('restart@'))!;
        const target = fix.id.slice(fix.id.indexOf('@') + 1);
        const search = { action_type: 'investigate' as const, target, view: 'logs' as const };
        const before = observe(task, playActions(task, [search])).logs[target]!;
        const ep = playActions(task, [search, { action_type: 'apply_fix', target: fix.id }, { action_type: 'apply_fix', target: fix.id }, search]);
        const after = observe(task, ep).logs[target]!;
        // New lines of its own (a recurrence of an earlier failure carries that line's id with a minute: `ev-3c36-27`).
        const added = after.filter((l) => !before.includes(l) && !recurrence(l));
        expect(added, fix.id).toHaveLength(1);
        const id = added[0]!.slice(1, 8);
        expect(task.evidence.get(id)?.service).toBe(target);
        // Stamped at the minute the first change took effect.
        const first = ep.fixes[0]!;
        expect(Date.parse(added[0]!.slice(10, 30))).toBeGreaterThanOrEqual(Date.parse(task.scenario.generated!.dynamics.detected_at) + first.minute * 60_000);
        expect(Date.parse(added[0]!.slice(10, 30))).toBeLessThan(Date.parse(task.scenario.generated!.dynamics.detected_at) + (first.minute + 1) * 60_000);
        expect(added[0]).toMatch(/ INFO {2}/);
      }
    }
  });
});

describe('a failure that goes on is still being logged', () => {
  it('a search after detection shows the latest occurrences of a service\'s failures while its fault goes on, its ordinary errors always, none of its failures once the remedy has taken hold', () => {
    let checked = 0;
    for (const split of SPLITS) {
      for (let seed = 0; seed < 20; seed++) {
        const task = generatedTask({ seed: 560_000 + seed, difficulty: 'medium', split, family: null });
        const g = task.scenario.generated!;
        if (g.faults.length !== 1 || g.faults[0]!.needs_first?.length) continue;
        const [name, dyn] = Object.entries(g.dynamics.services).find(([, d]) => d.fault === 0 && d.recurring?.some((l) => !l.always)) ?? [];
        if (!name || !dyn) continue;
        const search = { action_type: 'investigate' as const, target: name, view: 'logs' as const };
        const recurring = (ep: ReturnType<typeof playActions>) => observe(task, ep).logs[name]!.filter(recurrence);
        const failing = recurring(playActions(task, [search, search, search, search]));
        expect(failing.length, name).toBeGreaterThan(0);
        expect(failing.length).toBeLessThanOrEqual(4);
        for (const line of failing) {
          // It repeats a line written before detection, whose evidence id it carries, written afresh.
          const first = task.serviceByName.get(name)!.logs.find((l) => l.startsWith(`[${line.slice(1, 8)}]`))!;
          const same = dyn.recurring!.find((r) => r.id === line.slice(1, 8))!;
          expect(first.slice(37), line).toBe(same.msg);
          expect([same.msg, ...(same.variants ?? [])], line).toContain(line.slice(line.indexOf(']') + 29));
          const written = Date.parse(line.slice(line.indexOf(']') + 2, line.indexOf(']') + 22));
          expect(written).toBeGreaterThan(Date.parse(g.dynamics.detected_at));
          // Never after the search: the search ran at the episode's clock.
          expect(written, line).toBeLessThan(Date.parse(g.dynamics.detected_at) + playActions(task, [search, search, search, search]).minutes * 60_000);
        }
        const fixed = playActions(task, [{ action_type: 'apply_fix', target: g.faults[0]!.fix }, search, search, search, search, search, search]);
        const stoppedAt = fixed.fixes[0]!.minute;
        const late = recurring(fixed).filter((l) => Number(l.slice(9, l.indexOf(']'))) > stoppedAt + g.dynamics.recovery_min / 2);
        const always = new Set(dyn.recurring!.filter((l) => l.always).map((l) => l.id));
        expect(late.filter((l) => !always.has(l.slice(1, 8))), name).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8);
  });

  it('an occurrence is written afresh: a service\'s repeats of one failure are not all the same text', () => {
    let varied = 0;
    for (let seed = 0; seed < 30; seed++) {
      const task = generatedTask({ seed: 590_000 + seed, difficulty: 'medium', split: 'test', family: null });
      for (const [name, dyn] of Object.entries(task.scenario.generated!.dynamics.services)) {
        if (!dyn.recurring?.some((l) => l.variants?.some((v) => v !== l.msg))) continue;
        const search = { action_type: 'investigate' as const, target: name, view: 'logs' as const };
        const ep = playActions(task, Array.from({ length: 12 }, () => search));
        const byId = new Map<string, Set<string>>();
        for (const l of observe(task, ep).logs[name]!.filter(recurrence)) {
          const texts = byId.get(l.slice(1, 8)) ?? new Set<string>();
          texts.add(l.slice(l.indexOf(']') + 29));
          byId.set(l.slice(1, 8), texts);
        }
        if ([...byId.values()].some((t) => t.size > 1)) varied++;
      }
    }
    expect(varied).toBeGreaterThan(5);
  });

  it("a service's ordinary error recurs as the same kind of error (its ids and numbers differ)", () => {
    let checked = 0;
    for (let seed = 0; seed < 40; seed++) {
      const s = generateScenario({ seed: 690_000 + seed, difficulty: 'expert', split: seed % 2 ? 'test' : 'train', family: null });
      for (const d of Object.values(s.generated!.dynamics.services)) {
        for (const r of (d.recurring ?? []).filter((x) => x.always)) {
          const shape = (m: string) => m.replace(/\d+/g, '#');
          for (const v of r.variants ?? []) expect(shape(v), r.msg).toBe(shape(r.msg));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('an occurrence never repeats the line it repeats word for word, where the failure has other wordings', () => {
    let checked = 0;
    for (let seed = 0; seed < 30; seed++) {
      const task = generatedTask({ seed: 720_000 + seed, difficulty: 'expert', split: 'test', family: null });
      for (const [name, dyn] of Object.entries(task.scenario.generated!.dynamics.services)) {
        const varied = new Map((dyn.recurring ?? []).filter((l) => l.variants?.some((v) => v !== l.msg)).map((l) => [l.id, l.msg]));
        if (!varied.size) continue;
        const search = { action_type: 'investigate' as const, target: name, view: 'logs' as const };
        for (const l of observe(task, playActions(task, [search, search, search])).logs[name]!.filter(recurrence)) {
          const original = varied.get(l.slice(1, 8));
          if (original === undefined) continue;
          expect(l.slice(l.indexOf(']') + 29), l).not.toBe(original);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('ordinary errors of healthy services recur whatever is fixed', () => {
    let checked = 0;
    for (let seed = 0; seed < 40; seed++) {
      const task = generatedTask({ seed: 570_000 + seed, difficulty: 'expert', split: 'test', family: null });
      const [name] = Object.entries(task.scenario.generated!.dynamics.services).find(([, d]) => d.fault === null && d.recurring?.length) ?? [];
      if (!name) continue;
      const search = { action_type: 'investigate' as const, target: name, view: 'logs' as const };
      const lines = observe(task, playActions(task, [search, search, search, search])).logs[name]!.filter(recurrence);
      expect(lines.length, name).toBeGreaterThan(0);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });
});

describe('logs agree with dashboards', () => {
  it("a consumer's and an identity service's routine counts are within 10% of the usual rate their dashboards show", () => {
    let checked = 0;
    let tokens = 0;
    for (const s of sample) {
      for (const svc of s.services) {
        const rate = svc.detail.jobs_per_min ?? svc.detail.deliveries_acked_per_min ?? svc.detail.tokens_issued_per_min;
        if (rate === undefined) continue;
        for (const line of svc.logs) {
          const m = / INFO {2}(?:(?:processed|acked) (\d+) (?:messages|deliveries)|issued (\d+) tokens|token grants: (\d+)\/min)/.exec(line);
          if (!m) continue;
          checked++;
          if (!m[1]) tokens++;
          const count = Number(m[1] ?? m[2] ?? m[3]);
          // Within 10%, give or take the rounding of one message.
          expect(Math.abs(count - rate), `${svc.name}: ${line} (rate ${rate})`).toBeLessThanOrEqual(rate * 0.1 + 1);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(tokens).toBeGreaterThan(5);
  });
});

describe('a consumer counts what a consumer does', () => {
  it('a release that breaks a consumer shows in its failed jobs, never as HTTP 500s it does not serve', () => {
    let checked = 0;
    for (const split of SPLITS) {
      for (let seed = 0; seed < 60 && checked < 8; seed++) {
        const task = generatedTask({ seed: 550_000 + seed, difficulty: 'easy', split, family: 'bad_deploy' });
        const root = task.scenario.generated!.faults[0]!.root_cause;
        if (tierOf(root) !== 'worker') continue;
        const shown = observe(task, playActions(task, [{ action_type: 'investigate', target: root, view: 'metrics' }])).metrics[root]!;
        expect(shown.http_5xx_per_min, root).toBeUndefined();
        expect(shown.jobs_failed_per_min, root).toBeGreaterThan(20);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });
});

describe('backlogs grow while their fault is unfixed', () => {
  it("a stuck consumer's queue and lag grow as time passes, and drain once the remedy is in", () => {
    let checked = 0;
    for (const split of SPLITS) {
      for (let seed = 0; seed < 8; seed++) {
        const task = generatedTask({ seed: 530_000 + seed, difficulty: 'hard', split, family: 'queue_backlog' });
        const g = task.scenario.generated!;
        const queue = Object.keys(g.dynamics.services).find((s) => /kafka|rabbitmq|queue/.test(s) && g.dynamics.services[s]!.fault === 0);
        if (!queue) continue;
        const depthOf = (m: Record<string, number>) => m.queue_depth ?? m.messages_ready!;
        const look = { action_type: 'investigate' as const, target: queue, view: 'metrics' as const };
        const wait = Array.from({ length: 2 * g.dynamics.spread_every_min }, () => ({ action_type: 'investigate' as const, target: queue, view: 'metrics' as const }));
        const early = depthOf(observe(task, playActions(task, [look])).metrics[queue]!);
        const late = playActions(task, [look, ...wait.slice(0, g.dynamics.spread_every_min)]);
        if (late.done) continue;
        const grown = depthOf(observe(task, late).metrics[queue]!);
        expect(grown, queue).toBeGreaterThan(early);
        const fixed = observe(task, playActions(task, [look, { action_type: 'apply_fix', target: g.faults[0]!.fix }, ...wait.slice(0, 4)]));
        expect(depthOf(fixed.metrics[queue]!)).toBeLessThan(early);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(4);
  });
});

describe('a harmless alert cannot be told from a real one by its number', () => {
  it('healthy services alert on CPU and disk as high as real faults run them (short of a full disk)', () => {
    const healthy = { cpu: [] as number[], disk: [] as number[] };
    const real = { cpu: [] as number[] };
    for (const s of sample.filter((x) => x.difficulty === 'expert' || x.difficulty === 'hard')) {
      const g = s.generated!;
      for (const svc of s.services) {
        const dyn = g.dynamics.services[svc.name]!;
        if (dyn.fault !== null) {
          if (dyn.hop === 0 && dyn.impacted.cpu_pct !== undefined) real.cpu.push(dyn.impacted.cpu_pct);
          continue;
        }
        if (svc.overview.cpu_pct! > 80) healthy.cpu.push(svc.overview.cpu_pct!);
        if ((svc.detail.disk_used_pct ?? 0) > 80) healthy.disk.push(svc.detail.disk_used_pct!);
      }
    }
    expect(healthy.cpu.length).toBeGreaterThan(20);
    expect(healthy.disk.length).toBeGreaterThan(5);
    // Harmless CPU reaches into the range real roots run at; a harmless disk goes past 90% but is never full.
    expect(Math.max(...healthy.cpu)).toBeGreaterThanOrEqual(95);
    expect(Math.min(...real.cpu)).toBeLessThan(Math.max(...healthy.cpu));
    expect(Math.max(...healthy.disk)).toBeGreaterThan(90);
    expect(Math.max(...healthy.disk)).toBeLessThan(100);
  });
});

describe('a root goes on logging its failure like anyone else', () => {
  it('a root repeats a failure that goes on (a sampled root only the line sampling kept), never its one-off events, and stops once its remedy is in', () => {
    let repeating = 0;
    for (const difficulty of ['medium', 'hard'] as const) {
      for (let seed = 0; seed < 60; seed++) {
        const task = generatedTask({ seed: 600_000 + seed, difficulty, split: seed % 2 ? 'test' : 'train', family: null });
        const g = task.scenario.generated!;
        if (g.faults.length !== 1 || g.faults[0]!.needs_first?.length || g.faults[0]!.masked_by !== undefined) continue;
        const root = g.faults[0]!.root_cause;
        const search = { action_type: 'investigate' as const, target: root, view: 'logs' as const };
        const lines = observe(task, playActions(task, [search, search, search, search, search])).logs[root]!;
        const repeats = lines.filter(recurrence);
        const written = task.serviceByName.get(root)!.logs;
        for (const r of repeats) {
          // It repeats a warning or error the root wrote before detection (under sampling: one that survived).
          const first = written.find((l) => l.startsWith(`[${r.slice(1, 8)}]`));
          expect(first, r).toBeDefined();
          expect(first!, r).toMatch(/ (WARN|ERROR|FATAL) /);
        }
        // One-off events are never repeated: a change, a push, a breaker's state change.
        expect(repeats.filter((l) => /rolled out|release v|changed \d+ -> |closed->open|state=open|OPEN after/.test(l))).toEqual([]);
        if (difficulty === 'hard') expect(new Set(repeats.map((l) => l.slice(1, 8))).size).toBeLessThanOrEqual(1);
        if (repeats.length) repeating++;
        const fixed = playActions(task, [{ action_type: 'apply_fix', target: g.faults[0]!.fix }, search, search, search, search, search]);
        const stop = fixed.fixes[0]!.minute;
        expect(observe(task, fixed).logs[root]!.filter(recurrence).filter((l) => Number(l.slice(9, l.indexOf(']'))) >= stop)).toEqual([]);
      }
    }
    // Most roots fail in a way they keep logging: a root is no longer the one service whose failure is not repeated.
    expect(repeating).toBeGreaterThan(30);
  });
});

describe('a no-fault control tells one story', () => {
  it('the rotation that blips a service goes on from the onset to detection: its requests keep dropping until the page', () => {
    let checked = 0;
    for (let seed = 0; seed < 200 && checked < 15; seed++) {
      const s = generateScenario({ seed: 640_000 + seed, difficulty: 'expert', split: seed % 2 ? 'test' : 'train', family: null });
      const d = s.generated!.dynamics;
      if (s.generated!.faults.length || !d.transient) continue;
      const detected = Date.parse(d.detected_at);
      const drops = s.services.find((x) => x.name === d.transient!.service)!.logs.filter((l) => /dropped|connection reset by peer/.test(l)).map((l) => Date.parse(l.slice(10, 30)));
      expect(drops.length).toBeGreaterThanOrEqual(2);
      // The first drop at the onset, the last within the two minutes before the page.
      expect(Math.min(...drops)).toBeLessThanOrEqual(detected - d.onset_before_detection * 60_000 + 60_000);
      expect(Math.max(...drops)).toBeGreaterThanOrEqual(detected - 2 * 60_000);
      checked++;
    }
    expect(checked).toBe(15);
  });
});

describe('a zone serial only grows', () => {
  it('a DNS server never reloads an older serial after a change, and the same serial always holds the same records', () => {
    let checked = 0;
    for (const split of SPLITS) {
      for (let seed = 0; seed < 30; seed++) {
        const s = generateScenario({ seed: 650_000 + seed, difficulty: 'hard', split, family: 'dns_misconfiguration' });
        const root = s.services.find((x) => x.name === s.generated!.faults[0]!.root_cause)!;
        const serials = root.logs.map((l) => /serial (\d{10})/.exec(l)?.[1]).filter((x): x is string => !!x).map(Number);
        for (let i = 1; i < serials.length; i++) expect(serials[i]!, root.logs.join('\n')).toBeGreaterThanOrEqual(serials[i - 1]!);
        const records = new Map<string, string>();
        for (const l of root.logs) {
          const m = /serial (\d{10}) \((\d+) records/.exec(l);
          if (!m) continue;
          expect(records.get(m[1]!) ?? m[2], l).toBe(m[2]);
          records.set(m[1]!, m[2]!);
        }
        if (serials.length >= 2) checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});

describe('request volumes add up at the edge', () => {
  it("an edge proxy carries its upstreams' traffic and, minute by minute, fails exactly their failing share of it", () => {
    let checked = 0;
    for (const difficulty of ['easy', 'medium', 'hard', 'expert'] as const) {
      for (let seed = 0; seed < 60; seed++) {
        const task = generatedTask({ seed: 660_000 + seed, difficulty, split: seed % 2 ? 'test' : 'train', family: null });
        const g = task.scenario.generated!;
        for (const edge of [...task.serviceByName.values()].filter((x) => g.dynamics.services[x.name]!.forwards)) {
          const ups = edge.depends_on.map((u) => task.serviceByName.get(u)!);
          const total = ups.reduce((sum, u) => sum + u.overview.requests_per_sec!, 0);
          // Its traffic is its upstreams' (and a little of its own).
          expect(edge.overview.requests_per_sec! / total).toBeGreaterThanOrEqual(1);
          expect(edge.overview.requests_per_sec! / total).toBeLessThan(1.1);
          // At detection, and as time passes (symptoms spread, a fix takes hold).
          const look = (target: string) => ({ action_type: 'investigate' as const, target, view: 'metrics' as const });
          const fix = g.faults[0] ? [{ action_type: 'apply_fix' as const, target: g.faults[0].fix }] : [];
          const eps = [playActions(task, []), playActions(task, ups.slice(0, 3).map((u) => look(u.name))), playActions(task, [...fix, look(edge.name), look(edge.name)])];
          for (const ep of eps) {
            const m = observe(task, ep).metrics;
            const share = ups.reduce((sum, u) => sum + u.overview.requests_per_sec! * Math.max(0, m[u.name]!.error_rate! - u.overview.error_rate!), 0) / total;
            expect(m[edge.name]!.error_rate!, `${difficulty} ${seed} ${edge.name} at minute ${ep.minutes}`).toBeCloseTo(edge.overview.error_rate! + share, 2);
            // Its p99: its own usual time plus how much slower its slowest real upstream has become.
            const slower = Math.max(0, ...ups.filter((u) => u.overview.requests_per_sec! >= 0.02 * total).map((u) => m[u.name]!.latency_p99_ms! - u.overview.latency_p99_ms!));
            expect(m[edge.name]!.latency_p99_ms!).toBe(edge.overview.latency_p99_ms! + Math.round(slower));
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('a root counts the failures its error rate says', () => {
  it("a failing root's 5xx counter agrees with its error rate and request rate", () => {
    let checked = 0;
    for (const difficulty of ['easy', 'medium', 'hard', 'expert'] as const) {
      for (let seed = 0; seed < 80; seed++) {
        const s = generateScenario({ seed: 670_000 + seed, difficulty, split: seed % 2 ? 'test' : 'train', family: null });
        for (const f of s.generated!.faults) {
          const spec = s.services.find((x) => x.name === f.root_cause)!;
          const dyn = s.generated!.dynamics.services[f.root_cause]!;
          const rate = dyn.impacted.error_rate;
          if (rate === undefined || spec.detail.http_5xx_per_min === undefined || f.family === 'silent_fallback') continue;
          const rps = dyn.impacted.requests_per_sec ?? spec.overview.requests_per_sec!;
          expect(dyn.detail_impacted.http_5xx_per_min, `${difficulty} ${seed} ${f.family}`).toBeCloseTo(rps * 60 * rate, -1);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe('a backtracking regex burns the CPU of those who apply it', () => {
  it("the services a catastrophic filter pattern reached directly run hot, as their logs say", () => {
    let checked = 0;
    let shared = 0;
    const check = (s: Scenario) => {
      for (const [fi, f] of s.generated!.faults.entries()) {
        if (f.variant !== 'catastrophic_regex' || f.masked_by !== undefined) continue;
        for (const svc of s.services.filter((x) => x.depends_on.includes(f.root_cause))) {
          const d = s.generated!.dynamics.services[svc.name]!;
          const where = `${s.generated!.params.difficulty} ${s.generated!.params.seed} ${svc.name}`;
          // A watcher another fault reached first burns its CPU on top of that fault's symptoms,
          // and logs what it applied.
          const own = d.fault === fi;
          expect(own ? d.impacted.cpu_pct : d.burns?.[fi]?.cpu_pct, where).toBeGreaterThanOrEqual(90);
          if (!own) {
            expect(d.impacted.cpu_pct ?? 0, where).toBeLessThan(90);
            // (What it applied, or, where callers log thinly, its own failing requests.)
            expect(svc.logs.some((l) => /regex|filter evaluation|status=5\d\d|\b5\d\d \d+ms/.test(l)), where).toBe(true);
            shared++;
          }
          checked++;
        }
      }
    };
    for (let seed = 0; seed < 40; seed++) check(generateScenario({ seed: 680_000 + seed, difficulty: 'medium', split: 'test', family: 'bad_config_push' }));
    // Expert incidents pair the push with a second fault: drawn until a watcher that the other
    // fault reached first has been seen (it runs hot too).
    for (let seed = 0; seed < 5000 && shared < 1; seed++) check(generateScenario({ seed: 681_000 + seed, difficulty: 'expert', split: 'test', family: null }));
    expect(checked).toBeGreaterThan(10);
    expect(shared).toBeGreaterThan(0);
  });
});

describe("an API's 5xx count is its error rate of its requests", () => {
  it('on every dashboard, at detection and later, whatever raised the errors', () => {
    let checked = 0;
    for (const difficulty of ['easy', 'medium', 'hard', 'expert'] as const) {
      for (let seed = 0; seed < 25; seed++) {
        const task = generatedTask({ seed: 700_000 + seed, difficulty, split: seed % 2 ? 'test' : 'train', family: null });
        const names = [...task.serviceByName.keys()];
        const look = names.map((target) => ({ action_type: 'investigate' as const, target, view: 'metrics' as const }));
        const ep = playActions(task, look.slice(0, 8));
        for (const [name, m] of Object.entries(observe(task, ep).metrics)) {
          if (m.http_5xx_per_min === undefined) continue;
          expect(m.http_5xx_per_min, `${difficulty} ${seed} ${name}`).toBe(Math.round(m.requests_per_sec! * 60 * m.error_rate!));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('business lost behind a gray failure follows the call graph', () => {
  it('no API loses more of its business than the APIs it reaches the root through', () => {
    let checked = 0;
    for (const difficulty of ['hard', 'expert'] as const) {
      for (let seed = 0; seed < 40; seed++) {
        const s = generateScenario({ seed: 710_000 + seed, difficulty, split: seed % 2 ? 'test' : 'train', family: 'silent_fallback' });
        const d = s.generated!.dynamics.services;
        const fault = s.generated!.faults.findIndex((f) => f.family === 'silent_fallback');
        const left = (name: string) => {
          const x = d[name]!;
          const p = x.fault === fault ? x.detail_impacted : x.profiles?.[fault]?.detail_impacted;
          const v = p?.transactions_vs_last_week_pct ?? p?.completed_orders_vs_last_week_pct;
          const usual = s.services.find((y) => y.name === name)!.detail;
          const base = usual.transactions_vs_last_week_pct ?? usual.completed_orders_vs_last_week_pct;
          return v === undefined || base === undefined ? undefined : v / base;
        };
        for (const svc of s.services) {
          const hop = d[svc.name]!.hop;
          const mine = left(svc.name);
          if (hop === null || hop < 2 || mine === undefined || d[svc.name]!.fault !== fault) continue;
          const below = svc.depends_on.filter((dep) => d[dep]!.hop === hop - 1 && d[dep]!.fault === fault).map(left).filter((v): v is number => v !== undefined);
          if (!below.length) continue;
          expect(mine, `${difficulty} ${seed} ${svc.name}`).toBeGreaterThanOrEqual(Math.min(...below) - 0.02);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('a release label tells nothing by itself', () => {
  it('every label a faulty release carries is also carried by harmless releases', () => {
    const label = (l: string) => /\(change: ([^)]+)\)$|live on \d+ instances \(([^)]+)\)$/.exec(l)?.slice(1).find(Boolean);
    const faulty = new Set<string>();
    const harmless = new Set<string>();
    for (const split of SPLITS) {
      for (let seed = 0; seed < 150; seed++) {
        const s = generateScenario({ seed: 610_000 + seed, difficulty: 'hard', split, family: null });
        const roots = new Set(s.generated!.faults.map((f) => f.root_cause));
        for (const svc of s.services) for (const l of svc.logs) {
          const x = label(l);
          if (x) (roots.has(svc.name) ? faulty : harmless).add(x);
        }
      }
    }
    expect(faulty.size).toBeGreaterThan(3);
    for (const x of faulty) expect(harmless, x).toContain(x);
  });
});

describe('shedding load at the edge', () => {
  it('takes the retried flood off a flooded root: its request rate falls back to its usual one while the shedding lasts', () => {
    let checked = 0;
    for (let seed = 0; seed < 200 && checked < 10; seed++) {
      const task = generatedTask({ seed: 620_000 + seed, difficulty: 'expert', split: 'test', family: null });
      const g = task.scenario.generated!;
      const f = g.faults.find((x) => x.needs_first?.length);
      if (!f) continue;
      const root = f.root_cause;
      const usual = task.serviceByName.get(root)!.overview.requests_per_sec!;
      const before = observe(task, reset(task, {})).metrics[root]!.requests_per_sec!;
      expect(before).toBeGreaterThan(usual * 2);
      const shed = playActions(task, [{ action_type: 'apply_fix', target: f.needs_first![0]! }]);
      expect(observe(task, shed).metrics[root]!.requests_per_sec).toBe(usual);
      // Its failure counter counts what it is now sent.
      const opened = playActions(task, [{ action_type: 'apply_fix', target: f.needs_first![0]! }, { action_type: 'investigate', target: root, view: 'metrics' }]);
      const m = observe(task, opened).metrics[root]!;
      if (m.http_5xx_per_min !== undefined) expect(m.http_5xx_per_min / (m.requests_per_sec! * 60 * m.error_rate!)).toBeLessThan(1.5);
      checked++;
    }
    expect(checked).toBe(10);
  });
});

describe('an autoscaler reads like one', () => {
  it("its status never wants more replicas than its maximum; what it would want shows only in its events", () => {
    for (const split of SPLITS) {
      for (let seed = 0; seed < 20; seed++) {
        const s = generateScenario({ seed: 630_000 + seed, difficulty: 'easy', split, family: 'autoscaler_misconfiguration' });
        for (const svc of s.services) if (svc.detail.hpa_max_replicas !== undefined && svc.detail.pods_desired !== undefined) expect(svc.detail.pods_desired).toBeLessThanOrEqual(svc.detail.hpa_max_replicas);
        const d = s.generated!.dynamics.services[s.generated!.faults[0]!.root_cause]!;
        const at = { ...s.services.find((x) => x.name === s.generated!.faults[0]!.root_cause)!.detail, ...d.detail_impacted };
        expect(at.pods_desired!).toBeLessThanOrEqual(at.hpa_max_replicas!);
      }
    }
  });
});

describe('an autoscaler without its metric', () => {
  it('never states how many replicas it wants (it cannot compute one), while a capped one does', () => {
    for (const split of SPLITS) {
      for (let seed = 0; seed < 20; seed++) {
        const s = generateScenario({ seed: 540_000 + seed, difficulty: 'easy', split, family: 'autoscaler_misconfiguration' });
        const f = s.generated!.faults[0]!;
        const logs = s.services.find((x) => x.name === f.root_cause)!.logs.join('\n');
        const wants = /desired replicas \d+|scaling recommendation \d+/.test(logs);
        expect(wants, `${split} ${seed} ${f.variant}`).toBe(f.variant === 'max_replicas_lowered');
      }
    }
  });
});

describe('a clock reading follows the clock', () => {
  it("a certificate's remaining lifetime falls a minute every simulated minute, on its dashboard and in its alert, before and after renewal", () => {
    let checked = 0;
    for (const split of SPLITS) {
      for (let seed = 0; seed < 6; seed++) {
        // Easy incidents alert on the root's own certificate, so the alert's value is checked too.
        const task = generatedTask({ seed: 540_000 + seed, difficulty: 'easy', split, family: 'certificate_expiry' });
        const g = task.scenario.generated!;
        const root = g.faults[0]!.root_cause;
        const look = { action_type: 'investigate' as const, target: root, view: 'metrics' as const };
        const first = playActions(task, [look]);
        const later = playActions(task, [look, look, look]);
        const left = (ep: typeof first) => observe(task, ep).metrics[root]!.cert_seconds_remaining!;
        expect(left(first), root).toBeLessThan(0);
        expect(left(first) - left(later)).toBe(60 * (later.minutes - first.minutes));
        const alerted = (ep: typeof first) => observe(task, ep).alerts.find((a) => a.includes(`${root}:`) && a.includes('cert_seconds_remaining='));
        if (alerted(later)) {
          expect(alerted(later)).toContain(`cert_seconds_remaining=${left(later)},`);
          checked++;
        }
        const renewed = playActions(task, [look, { action_type: 'apply_fix', target: g.faults[0]!.fix }, look, look]);
        const after = playActions(task, [look, { action_type: 'apply_fix', target: g.faults[0]!.fix }, look, look, look]);
        expect(left(renewed)).toBeGreaterThan(80 * 86_400);
        expect(left(renewed) - left(after)).toBe(60 * (after.minutes - renewed.minutes));
      }
    }
    expect(checked).toBeGreaterThan(6);
  });
});

describe('a lock chain tells one story', () => {
  it("the blocking transaction's age agrees with its BEGIN line, the dashboard counts the waiters its log counts, and the session idle in transaction", () => {
    let checked = 0;
    for (let seed = 0; seed < 40; seed++) {
      const s = generateScenario({ seed: 690_000 + seed, difficulty: 'easy', split: 'test', family: 'runaway_query' });
      const f = s.generated!.faults[0]!;
      if (f.variant !== 'lock_chain') continue;
      const root = s.services.find((x) => x.name === f.root_cause)!;
      const detail = s.generated!.dynamics.services[root.name]!.detail_impacted;
      const at = (line: string) => Date.parse(line.slice(line.indexOf(']') + 2, line.indexOf('Z') + 1));
      const begin = root.logs.find((l) => /BEGIN|START TRANSACTION/.test(l))!;
      const waiting = root.logs.find((l) => /waiting (on|for) row locks on \w+ held by/.test(l))!;
      const [, count, age] = /(\d+) (?:sessions|threads) waiting .*\((?:idle in transaction|open) (\d+)s\)/.exec(waiting)!;
      // The table the truth names is the one the log names.
      expect(f.mechanism).toContain(/row locks on (\w+)/.exec(waiting)![1]);
      // Its age when the waiters were counted is the time since BEGIN (to the minute).
      expect(Math.abs((at(waiting) - at(begin)) / 1000 - Number(age)), `${seed}: ${begin} / ${waiting}`).toBeLessThan(120);
      expect(detail.lock_waits).toBe(Number(count));
      expect(detail.idle_in_transaction).toBeGreaterThanOrEqual(1);
      // On the dashboard its age is the time since BEGIN, at detection and at every minute after,
      // until the transaction is terminated.
      const task = generatedTask({ seed: 690_000 + seed, difficulty: 'easy', split: 'test', family: 'runaway_query' });
      const detected = Date.parse(s.generated!.dynamics.detected_at);
      const look = { action_type: 'investigate' as const, target: root.name, view: 'metrics' as const };
      let ep = playActions(task, [look]);
      for (let k = 0; k < 3; k++) {
        const o = observe(task, ep);
        const since = (detected + o.elapsed_minutes! * 60_000 - at(begin)) / 1000;
        expect(Math.abs(o.metrics[root.name]!.longest_query_s! - since), `${seed} minute ${o.elapsed_minutes}`).toBeLessThan(120);
        ep = act(task, ep, look).episode;
      }
      ep = act(task, ep, { action_type: 'apply_fix', target: f.fix }).episode;
      ep = act(task, ep, look).episode;
      expect(observe(task, ep).metrics[root.name]!.longest_query_s!).toBeLessThan(10);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('a connection leak adds up', () => {
  it("the sessions a leaking service holds idle in transaction are its instances' full pools, and no more than the database's active connections", () => {
    let checked = 0;
    for (const split of SPLITS) {
      for (let seed = 0; seed < 30; seed++) {
        const s = generateScenario({ seed: 691_000 + seed, difficulty: 'easy', split, family: 'connection_leak' });
        const f = s.generated!.faults[0]!;
        const dyn = s.generated!.dynamics.services;
        const pool = dyn[f.root_cause]!.detail_impacted.db_pool_size ?? s.services.find((x) => x.name === f.root_cause)!.detail.db_pool_size!;
        // Its dashboard shows how many instances it runs (APIs and consumers alike).
        const replicas = s.services.find((x) => x.name === f.root_cause)!.detail.pods_ready!;
        const db = Object.entries(dyn).find(([, d]) => d.detail_impacted.idle_in_transaction !== undefined && d.detail_impacted.idle_in_transaction > 3)!;
        const idle = db[1].detail_impacted.idle_in_transaction!;
        const active = db[1].detail_impacted.connections_active ?? db[1].detail_impacted.threads_connected!;
        expect(idle).toBeLessThanOrEqual(pool * replicas);
        expect(idle).toBeGreaterThanOrEqual(pool * replicas - 2);
        expect(idle).toBeLessThan(active);
        const logged = s.services.find((x) => x.name === db[0])!.logs.find((l) => /idle in transaction|holding open transactions/.test(l))!;
        expect(logged).toContain(`${idle} `);
        checked++;
      }
    }
    expect(checked).toBe(60);
  });
});

describe('a mitigation is not the remedy on the root\'s own dashboard', () => {
  it('moving reads off a replica that a query blocks ends the stale reads but not the lag; terminating the query ends the lag', () => {
    let checked = 0;
    for (const split of SPLITS) {
      for (let seed = 0; seed < 12; seed++) {
        const task = generatedTask({ seed: 692_000 + seed, difficulty: 'easy', split, family: 'replica_lag' });
        const f = task.scenario.generated!.faults[0]!;
        if (f.variant !== 'long_query') continue;
        const root = f.root_cause;
        const lagOf = (m: Record<string, number>) => m.replication_lag_s ?? m.seconds_behind_source!;
        const look = { action_type: 'investigate' as const, target: root, view: 'metrics' as const };
        const wait = { action_type: 'investigate' as const, target: f.affected.find((s) => s !== root)!, view: 'metrics' as const };
        const mitigation = { action_type: 'apply_fix' as const, target: f.mitigations[0]! };
        const eased = playActions(task, [look, mitigation, wait, look, look, look, look]);
        const o = observe(task, eased);
        const usual = lagOf(task.serviceByName.get(root)!.detail);
        expect(lagOf(o.metrics[root]!), `${split} ${seed}`).toBeGreaterThan(60);
        // The symptoms stopped: the caller's errors are back to its usual level.
        const caller = f.affected.find((s) => s !== root)!;
        expect(o.metrics[caller]!.error_rate).toBeLessThan(0.05);
        const fixed = playActions(task, [look, mitigation, look, { action_type: 'apply_fix', target: f.fix }, look, look, look, look]);
        expect(lagOf(observe(task, fixed).metrics[root]!)).toBeLessThanOrEqual(usual + 1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("restarting a leak a release brought buys time: the new pods' heap is already climbing back; the rollback ends the leak", () => {
    let checked = 0;
    for (let seed = 0; seed < 30; seed++) {
      const task = generatedTask({ seed: 693_000 + seed, difficulty: 'easy', split: 'test', family: 'memory_leak' });
      const f = task.scenario.generated!.faults[0]!;
      if (f.variant !== 'listener_leak') continue;
      const root = f.root_cause;
      const look = { action_type: 'investigate' as const, target: root, view: 'metrics' as const };
      const heap = (actions: Parameters<typeof playActions>[1]) => {
        const m = observe(task, playActions(task, actions)).metrics[root]!;
        return m.memory_mb! / m.memory_limit_mb!;
      };
      expect(heap([look, { action_type: 'apply_fix', target: f.mitigations[0]! }, look, look, look, look]), `${seed}`).toBeGreaterThan(0.5);
      expect(heap([look, { action_type: 'apply_fix', target: f.fix }, look, look, look, look])).toBeLessThan(0.4);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });
});

describe('a poison message is one message', () => {
  it('an oversized message has the same size every time it is redelivered', () => {
    let checked = 0;
    for (let seed = 0; seed < 40; seed++) {
      const s = generateScenario({ seed: 694_000 + seed, difficulty: 'easy', split: 'test', family: 'queue_backlog' });
      const f = s.generated!.faults[0]!;
      if (f.variant !== 'oversized_message') continue;
      const written = [...s.services.find((x) => x.name === f.root_cause)!.logs, ...(s.generated!.dynamics.services[f.root_cause]!.recurring ?? []).flatMap((r) => [r.msg, ...(r.variants ?? [])])];
      const sizes = new Set(written.flatMap((l) => [...l.matchAll(/(\d+)MB/g)].map((m) => m[1])));
      expect(sizes.size, `${seed}: ${[...sizes].join(', ')}`).toBe(1);
      checked++;
    }
    expect(checked).toBeGreaterThan(8);
  });
});

describe('a root that another fault also reaches', () => {
  it("recovers its own cause's readings once its remedy is in, while it still shows the other fault's symptoms", () => {
    let checked = 0;
    for (let seed = 0; seed < 800 && checked < 12; seed++) {
      const task = generatedTask({ seed: 695_000 + seed, difficulty: 'expert', split: seed % 2 ? 'test' : 'train', family: null });
      const g = task.scenario.generated!;
      for (const [fi, f] of g.faults.entries()) {
        const dyn = g.dynamics.services[f.root_cause]!;
        const other = dyn.also.find((o) => g.faults[o]!.masked_by === undefined && g.faults[o]!.family !== 'silent_fallback');
        if (other === undefined || f.needs_first?.length || f.masked_by !== undefined || dyn.latent) continue;
        const look = { action_type: 'investigate' as const, target: f.root_cause, view: 'metrics' as const };
        const ep = playActions(task, [look, { action_type: 'apply_fix', target: f.fix }, look, look, look, look, look]);
        const shown = observe(task, ep).metrics[f.root_cause]!;
        const base = task.serviceByName.get(f.root_cause)!.detail;
        const others = dyn.profiles?.[other]?.detail_impacted ?? {};
        for (const [m] of Object.entries(dyn.detail_impacted)) {
          if (base[m] === undefined || m in others || ['queue_depth', 'messages_ready', 'consumer_lag_s', 'cert_seconds_remaining'].includes(m)) continue;
          expect(shown[m], `${seed} fault ${fi} ${f.family} ${f.root_cause}.${m}`).toBe(base[m]);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });
});

describe('backlogs add up', () => {
  it("a queue is behind by what its consumer failed to take since the onset, and drains at the rate its consumer acks beyond its usual work", () => {
    let checked = 0;
    for (const split of SPLITS) {
      for (let seed = 0; seed < 10; seed++) {
        const task = generatedTask({ seed: 696_000 + seed, difficulty: 'easy', split, family: 'queue_backlog' });
        const g = task.scenario.generated!;
        const f = g.faults[0]!;
        const queue = task.serviceByName.get(f.root_cause)!.depends_on.find((d) => task.serviceByName.get(d)!.detail.consumer_lag_s !== undefined && !d.includes('consumer'))!;
        const depthOf = (m: Record<string, number>) => m.queue_depth ?? m.messages_ready!;
        const acksOf = (m: Record<string, number>) => m.jobs_per_min ?? m.deliveries_acked_per_min!;
        const usual = acksOf(task.serviceByName.get(f.root_cause)!.detail);
        const base = depthOf(task.serviceByName.get(queue)!.detail);
        // A consumer that acks nothing is behind by its whole rate for every minute since it stalled
        // (the onset, or earlier where its lag took longer to page).
        const since = g.dynamics.services[queue]!.backlog_since_min!;
        expect(since).toBeGreaterThanOrEqual(g.dynamics.onset_before_detection);
        const behind = depthOf(g.dynamics.services[queue]!.detail_impacted) - base;
        expect(behind, `${split} ${seed}`).toBeCloseTo(usual * since, -1);
        expect(g.dynamics.services[queue]!.detail_impacted.consumer_lag_s).toBe(60 * since);
        // Fixed before the symptoms spread: it acks the backlog on top of its usual work over the recovery minutes.
        const lq = { action_type: 'investigate' as const, target: queue, view: 'metrics' as const };
        const lw = { action_type: 'investigate' as const, target: f.root_cause, view: 'metrics' as const };
        const ep = playActions(task, [lq, lw, { action_type: 'apply_fix', target: f.fix }, lq]);
        if (ep.minutes >= g.dynamics.spread_every_min) continue;
        const acks = acksOf(observe(task, ep).metrics[f.root_cause]!);
        expect(Math.abs((acks - usual) * g.dynamics.recovery_min - behind), `${split} ${seed}: acks ${acks}`).toBeLessThanOrEqual(behind * 0.02 + g.dynamics.recovery_min);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8);
  });

  it('a consumer that fails only a share of its work pages on its lag all the same, having fallen behind for longer', () => {
    let checked = 0;
    for (const difficulty of ['hard', 'expert'] as const) {
      for (let seed = 0; seed < 300; seed++) {
        const task = generatedTask({ seed: 697_000 + seed, difficulty, split: seed % 2 ? 'test' : 'train', family: null });
        const g = task.scenario.generated!;
        for (const f of g.faults) {
          const since = g.dynamics.services[f.root_cause]!.backlog_since_min;
          if (since === undefined || f.masked_by !== undefined) continue;
          const queue = task.serviceByName.get(f.root_cause)!.depends_on.find((d) => g.dynamics.services[d]!.backlog_since_min !== undefined)!;
          expect(g.dynamics.services[queue]!.detail_impacted.consumer_lag_s, `${difficulty} ${seed} ${f.family}`).toBeGreaterThan(300);
          expect(observe(task, reset(task, {})).alerts.some((a) => a.startsWith('[WARNING] ' + queue + ': consumer lag'))).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('a victim whose threads wait on the root', () => {
  it('names the root the same way every time its failure recurs, and its dashboard counts the threads its log counts', () => {
    let checked = 0;
    for (let seed = 0; seed < 120; seed++) {
      const s = generateScenario({ seed: 698_000 + seed, difficulty: 'expert', split: seed % 2 ? 'test' : 'train', family: null });
      const g = s.generated!;
      for (const svc of s.services) {
        for (const r of g.dynamics.services[svc.name]!.recurring ?? []) {
          const m = /(?:thread pool exhausted: (\d+)\/\d+ busy|worker pool saturated in_flight=(\d+) limit=\d+)/.exec(r.msg);
          if (!m) continue;
          const byAddress = /\d+\.\d+\.\d+\.\d+:\d+/.test(r.msg);
          for (const v of r.variants ?? []) {
            expect(/\d+\.\d+\.\d+\.\d+:\d+/.test(v), `${seed} ${svc.name}: ${r.msg} / ${v}`).toBe(byAddress);
            for (const f of g.faults) if (byAddress) expect(v).not.toContain(`calls to ${f.root_cause}`);
          }
          const pool = Number(m[1] ?? m[2]);
          const detail = g.dynamics.services[svc.name]!.detail_impacted;
          // (A thread-pool root counts its own threads; a victim's count is checked here.)
          if (!g.faults.some((f) => f.root_cause === svc.name)) {
            expect(detail.busy_threads, `${seed} ${svc.name}`).toBe(pool);
            expect(svc.detail.max_threads).toBe(pool);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe("a connector's provider answers add up", () => {
  it("a failing connector's share of good answers is what it does not fail, and a rejected key's 401s are its failed requests", () => {
    let checked = 0;
    for (const family of ['expired_api_credential', 'third_party_outage']) {
      for (const split of SPLITS) {
        for (let seed = 0; seed < 10; seed++) {
          const s = generateScenario({ seed: 699_000 + seed, difficulty: 'hard', split, family });
          const f = s.generated!.faults[0]!;
          const dyn = s.generated!.dynamics.services[f.root_cause]!;
          const spec = s.services.find((x) => x.name === f.root_cause)!;
          const rate = dyn.impacted.error_rate!;
          expect(dyn.detail_impacted.upstream_2xx_ratio, `${family} ${seed}`).toBeCloseTo(1 - rate, 2);
          if (dyn.detail_impacted.upstream_401_per_min !== undefined) expect(dyn.detail_impacted.upstream_401_per_min).toBeCloseTo((dyn.impacted.requests_per_sec ?? spec.overview.requests_per_sec!) * 60 * rate, -1);
          checked++;
        }
      }
    }
    expect(checked).toBe(40);
  });
});

describe('a watcher hit by two faults', () => {
  it("stops burning CPU on a reverted regex, and stops logging it, while the other fault still shows", () => {
    let checked = 0;
    for (let seed = 0; seed < 6000 && checked < 4; seed++) {
      const task = generatedTask({ seed: 681_000 + seed, difficulty: 'expert', split: 'test', family: null });
      const g = task.scenario.generated!;
      for (const [fi, f] of g.faults.entries()) {
        if (f.variant !== 'catastrophic_regex' || f.masked_by !== undefined) continue;
        for (const [name, dyn] of Object.entries(g.dynamics.services)) {
          if (!dyn.burns?.[fi] || dyn.fault === null) continue;
          const look = { action_type: 'investigate' as const, target: name };
          const ep = playActions(task, [{ action_type: 'apply_fix', target: f.fix }, look, look, look, look]);
          const o = observe(task, ep);
          expect(o.metrics[name]!.cpu_pct, `${seed} ${name}`).toBeLessThan(80);
          // The other fault still shows there (its remedy is not in).
          expect(o.metrics[name]!.error_rate!, `${seed} ${name}`).toBeGreaterThan(task.serviceByName.get(name)!.overview.error_rate! + 0.01);
          // Its latest lines (written after the revert took hold) no longer speak of the filter.
          const revertedAt = ep.fixes[0]!.minute;
          const at = (l: string) => Date.parse(/\] (\S+Z) /.exec(l)![1]!);
          const late = o.logs[name]!.filter((l) => at(l) > Date.parse(g.dynamics.detected_at) + (revertedAt + 1) * 60_000);
          expect(late.length, `${seed} ${name}`).toBeGreaterThan(0);
          // Lines of the regex (or of the requests it failed) are ids the fault's recurring lines carry.
          const ofRegex = (g.dynamics.services[name]!.recurring ?? []).filter((r) => r.fault === fi).map((r) => r.id);
          expect(late.some((l) => /filter evaluation|regex/.test(l) || ofRegex.some((id) => l.startsWith(`[${id}-`))), `${seed} ${name}: ${late.join(' | ')}`).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('callers whose calls to the root succeed', () => {
  it('never blame a call to the root, nor wait on it: a configuration, a token or a password is what failed them', () => {
    let checked = 0;
    for (let seed = 0; seed < 300; seed++) {
      const family = ['bad_config_push', 'clock_skew', 'database_credential_mismatch', 'partial_secret_rotation'][seed % 4]!;
      const s = generateScenario({ seed: 701_000 + seed, difficulty: seed % 3 ? 'expert' : 'hard', split: seed % 2 ? 'test' : 'train', family });
      const g = s.generated!;
      for (const f of g.faults) {
        if (f.family !== family) continue;
        const address = g.dynamics.services[f.root_cause]!.address;
        for (const svc of s.services.filter((x) => x.depends_on.includes(f.root_cause) && g.dynamics.services[x.name]!.hop === 1)) {
          for (const l of svc.logs) {
            const blames = l.includes(f.root_cause) || l.includes(address);
            if (!blames) continue;
            expect(l, `${seed} ${svc.name}`).not.toMatch(/blocked on calls|threads waiting|after the call to|failed \(ResponseMapper/);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('a configuration store counts what its dashboard counts', () => {
  it('its routine lines give its watchers and the revision it served, before and after a push', () => {
    let checked = 0;
    for (let seed = 0; seed < 80; seed++) {
      const s = generateScenario({ seed: 702_000 + seed, difficulty: DIFFICULTIES[seed % 4]!, split: seed % 2 ? 'test' : 'train', family: 'bad_config_push' });
      const g = s.generated!;
      const f = g.faults[0]!;
      const store = s.services.find((x) => x.name === f.root_cause)!;
      const pushed = g.dynamics.services[store.name]!.detail_impacted.config_revision!;
      const watchers = store.detail.watchers!;
      expect(g.dynamics.services[store.name]!.detail_impacted.watchers ?? watchers).toBe(watchers);
      let pushSeen = false;
      for (const l of store.logs) {
        if (new RegExp(`rev(ision)? ${pushed} (published|distributed)`).test(l)) pushSeen = true;
        const rev = /(?:served config revision|revision) (\d+) (?:to|current on)/.exec(l);
        if (rev) expect(Number(rev[1]), `${seed}: ${l}`).toBe(pushSeen ? pushed : pushed - 1);
        const count = /(?:watch: |long-poll clients: |current on )(\d+)/.exec(l);
        if (count) expect(Number(count[1]), `${seed}: ${l}`).toBe(watchers);
        if (rev || count) checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe('load shifted onto a healthy store', () => {
  it('comes from a caller retrying its failing dependency, never from a root', () => {
    let checked = 0;
    for (let seed = 0; seed < 200; seed++) {
      const s = generateScenario({ seed: 703_000 + seed, difficulty: seed % 2 ? 'hard' : 'expert', split: seed % 2 ? 'test' : 'train', family: null });
      const g = s.generated!;
      // (Named, or from hard on, given by address.)
      const roots = new Set(g.faults.flatMap((f) => [f.root_cause, g.dynamics.services[f.root_cause]!.address]));
      for (const svc of s.services) {
        for (const l of svc.logs) {
          const m = /(?:most from|heaviest client|connections from) (\d+\.\d+\.\d+\.\d+:\d+|[a-z0-9-]+)/.exec(l);
          if (!m) continue;
          expect(roots.has(m[1]!), `${seed} ${svc.name}: ${l}`).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('addresses', () => {
  it('no two services of an incident share one', () => {
    for (let seed = 0; seed < 1000; seed++) {
      const s = generateScenario({ seed: 704_000 + seed, difficulty: DIFFICULTIES[seed % 4]!, split: seed % 2 ? 'test' : 'train', family: null });
      const addresses = Object.values(s.generated!.dynamics.services).map((d) => d.address);
      expect(new Set(addresses).size, `${seed}`).toBe(addresses.length);
    }
  });
});

describe('a dashboard agrees with itself', () => {
  it("a healthy service's busy threads are a share of its pool (whatever order its readings were drawn in)", () => {
    let checked = 0;
    for (let seed = 0; seed < 300; seed++) {
      const s = generateScenario({ seed: 705_000 + seed, difficulty: DIFFICULTIES[seed % 4]!, split: seed % 2 ? 'test' : 'train', family: null });
      for (const svc of s.services) {
        const { busy_threads: busy, max_threads: max } = svc.detail;
        if (busy === undefined || max === undefined) continue;
        expect(busy, `${seed} ${svc.name}`).toBeLessThanOrEqual(max / 2);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('an edge that rejects requests itself counts them as its own 429s, not as its upstreams\' 5xx', () => {
    let checked = 0;
    for (let seed = 0; seed < 60; seed++) {
      const s = generateScenario({ seed: 706_000 + seed, difficulty: DIFFICULTIES[seed % 4]!, split: seed % 2 ? 'test' : 'train', family: 'rate_limit_misconfiguration' });
      const f = s.generated!.faults[0]!;
      const edge = s.services.find((x) => x.name === f.root_cause)!;
      const dyn = s.generated!.dynamics.services[edge.name]!;
      const rps = dyn.impacted.requests_per_sec!;
      const failing = rps * 60 * dyn.impacted.error_rate!;
      expect(Math.abs(dyn.detail_impacted.requests_429_per_min! - failing), `${seed}`).toBeLessThanOrEqual(1);
      expect(dyn.detail_impacted.upstream_5xx_per_min ?? edge.detail.upstream_5xx_per_min!, `${seed}`).toBe(edge.detail.upstream_5xx_per_min);
      checked++;
    }
    expect(checked).toBe(60);
  });
});

describe('a story sampling cannot break', () => {
  it("a stuck breaker's every half-open line says how the trial went, so no sample shows it going half-open twice with nothing between", () => {
    let checked = 0;
    for (let seed = 0; seed < 60; seed++) {
      const s = generateScenario({ seed: 707_000 + seed, difficulty: seed % 2 ? 'expert' : 'hard', split: seed % 3 ? 'test' : 'train', family: 'silent_fallback' });
      const f = s.generated!.faults.find((x) => x.family === 'silent_fallback')!;
      for (const l of s.services.find((x) => x.name === f.root_cause)!.logs) {
        if (!/half.open/i.test(l)) continue;
        expect(l, `${seed}`).toMatch(/HALF_OPEN to OPEN|half-open->open/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('an API behind a rate limit gets the share of its traffic its log says is left', () => {
    let checked = 0;
    for (let seed = 0; seed < 40; seed++) {
      const s = generateScenario({ seed: 708_000 + seed, difficulty: DIFFICULTIES[seed % 4]!, split: seed % 2 ? 'test' : 'train', family: 'rate_limit_misconfiguration' });
      for (const svc of s.services) {
        const said = svc.logs.map((l) => /inbound traffic dropped (\d+)%|request rate fell to (\d+)% of baseline/.exec(l)).find(Boolean);
        if (!said) continue;
        const left = said[1] !== undefined ? 100 - Number(said[1]) : Number(said[2]);
        const rps = s.generated!.dynamics.services[svc.name]!.impacted.requests_per_sec!;
        expect(Math.abs(rps - Math.max(1, Math.round((svc.overview.requests_per_sec! * left) / 100))), `${seed} ${svc.name}`).toBeLessThanOrEqual(1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});

describe('a healthy database carrying shifted load', () => {
  it('counts on its dashboard the slow statements its log counts', () => {
    let checked = 0;
    for (let seed = 0; seed < 300 && checked < 20; seed++) {
      const s = generateScenario({ seed: 709_000 + seed, difficulty: seed % 2 ? 'hard' : 'expert', split: seed % 2 ? 'test' : 'train', family: null });
      for (const svc of s.services) {
        const m = svc.logs.map((l) => /(\d+) statements over 1s in the last 5 minutes|Slow_queries \+(\d+) in 5m/.exec(l)).find(Boolean);
        if (!m) continue;
        const perMin = s.generated!.dynamics.services[svc.name]!.detail_impacted.slow_queries_per_min!;
        expect(Math.abs(perMin * 5 - Number(m[1] ?? m[2])), `${seed} ${svc.name}`).toBeLessThanOrEqual(3);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('a victim of two faults', () => {
  it('goes on logging the failure of the one still unfixed after the other is fixed', () => {
    let checked = 0;
    for (let seed = 0; seed < 400 && checked < 8; seed++) {
      const task = generatedTask({ seed: 710_000 + seed, difficulty: 'expert', split: seed % 2 ? 'test' : 'train', family: null });
      const g = task.scenario.generated!;
      for (const [name, dyn] of Object.entries(g.dynamics.services)) {
        const other = (dyn.recurring ?? []).filter((r) => r.fault !== undefined && r.fault !== dyn.fault);
        if (!other.length || dyn.fault === null || dyn.hop === 0) continue;
        const own = g.faults[dyn.fault]!;
        if (own.needs_first?.length || own.masked_by !== undefined || g.faults[other[0]!.fault!]!.masked_by !== undefined) continue;
        const look = { action_type: 'investigate' as const, target: name, view: 'logs' as const };
        const ep = playActions(task, [{ action_type: 'apply_fix', target: own.fix }, look, look, look, look, look]);
        const o = observe(task, ep);
        const at = (l: string) => Date.parse(/\] (\S+Z) /.exec(l)![1]!);
        const after = Date.parse(g.dynamics.detected_at) + (ep.fixes[0]!.minute + 3) * 60_000;
        const late = o.logs[name]!.filter((l) => at(l) > after);
        expect(late.some((l) => other.some((r) => l.startsWith(`[${r.id}-`))), `${seed} ${name}: ${late.join(' | ')}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });
});
