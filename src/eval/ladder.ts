/**
 * Measures the difficulty ladder on generated incidents: how loud the root is, how far the
 * loudest alert is from it, how much telling evidence its own logs hold, how many remedies look
 * plausible, how many red herrings there are, and how large the observations are.
 */
import { firingAtDetection } from '../domain/dynamics.js';
import { hopsFrom } from '../domain/generator/generate.js';
import { DIFFICULTIES, generatedTask, observe, reset, type Difficulty, type Split, type Task } from '../domain/index.js';
import { mean } from '../domain/scoring.js';

export interface LadderRow {
  difficulty: Difficulty;
  incidents: number;
  /** Faults whose root fires an alert at detection. */
  rootAlertsShare: number;
  /** Incidents whose most severe alert (listed first) is on a root. */
  loudestOnRootShare: number;
  /** Calls from the service of the most severe alert down to the nearest root. */
  hopsLoudestToRoot: number;
  /** Faults whose root sits two or more calls below the nearest user-facing service (the edge and what it calls). */
  deepRootShare: number;
  /** Fewest investigations that reach each root's evidence: from the nearest firing service down to the root, root included. */
  investigationsToRoot: number;
  /** Warnings and errors in the root's own logs. */
  tellingLinesInRoot: number;
  /** Faults whose root logs hold at most one warning or error, so metrics or callers must confirm. */
  inconclusiveRootShare: number;
  /** Remedies on the menu that evidence-free reasoning would pick (the right one and the decoys). */
  plausibleRemedies: number;
  /** Deploy lines on healthy or victim services, blame lines, harmless alerts and loud jobs. */
  redHerrings: number;
  controlShare: number;
  /** Two independent faults, both showing at detection. */
  doubleShare: number;
  /** A second fault masked by the first: it shows only once the first is fixed. */
  maskedShare: number;
  /** Faults showing at detection that no other service's log names (by name or address): found only by checking dependencies. */
  unnamedRootShare: number;
  /** Faults whose remedy holds only once load is shed at the edge (client retries flood the root). */
  shedFirstShare: number;
  servicesMean: number;
  /** Characters of the JSON observation at reset, mean and max. */
  charsAtReset: number;
  charsAtResetMax: number;
  /** ... and after every service has been investigated. */
  charsAllInvestigated: number;
}


function herrings(task: Task): number {
  const roots = task.roots;
  let n = 0;
  for (const s of task.serviceByName.values()) {
    if (roots.has(s.name)) continue;
    n += s.logs.filter((l) => / (deploy: | release v\d|live on \d+ instances)/.test(l) || /slow call to|exceeded budget_ms/.test(l)).length;
  }
  // Harmless alerts: services firing at detection that no fault reaches.
  const dyn = task.scenario.generated!.dynamics.services;
  n += firingAtDetection(task).filter((s) => !roots.has(s) && dyn[s]!.hop === null).length;
  return n;
}

export function measureLadder(seeds: number, split: Split = 'test', firstSeed = 100_000): LadderRow[] {
  return DIFFICULTIES.map((difficulty) => {
    const rootAlerts: number[] = [];
    const loudest: number[] = [];
    const hops: number[] = [];
    const deep: number[] = [];
    const toRoot: number[] = [];
    const telling: number[] = [];
    const inconclusive: number[] = [];
    const plausible: number[] = [];
    const red: number[] = [];
    const control: number[] = [];
    const double: number[] = [];
    const masked: number[] = [];
    const unnamed: number[] = [];
    const shedFirst: number[] = [];
    const size: number[] = [];
    const chars0: number[] = [];
    const charsAll: number[] = [];
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const task = generatedTask({ seed, difficulty, split, family: null });
      const g = task.scenario.generated!;
      const ep = reset(task, { seed });
      const obs = observe(task, ep);
      const firing = obs.alerts.filter((a) => !a.startsWith('[RESOLVED]') && !a.startsWith('[INFO]'));
      const firingServices = firingAtDetection(task);
      control.push(g.faults.length === 0 ? 1 : 0);
      const hides = g.faults.some((f) => f.masked_by !== undefined);
      double.push(g.faults.length === 2 && !hides ? 1 : 0);
      masked.push(hides ? 1 : 0);
      size.push(task.serviceByName.size);
      red.push(herrings(task));
      chars0.push(JSON.stringify(obs).length);
      charsAll.push(JSON.stringify(observe(task, { ...ep, investigated: [...task.serviceByName.keys()].map((service, i) => ({ service, step: i + 1, minute: 0 })) })).length);
      if (!g.faults.length) continue;
      const top = firing[0] ? firing[0].slice(firing[0].indexOf(']') + 2, firing[0].indexOf(':', firing[0].indexOf(']'))) : '';
      loudest.push(task.roots.has(top) ? 1 : 0);
      const topo = { callers: (name: string) => [...task.serviceByName.values()].filter((s) => s.depends_on.includes(name)) };
      const upFromRoot = g.faults.map((f) => hopsFrom(topo, f.root_cause));
      const distances = upFromRoot.map((up) => up.get(top)).filter((d): d is number => d !== undefined);
      if (distances.length) hops.push(Math.min(...distances));
      for (const [i, f] of g.faults.entries()) {
        // The nearest firing service on the root's callers' side (or a firing symptom elsewhere), then the path down.
        const up = upFromRoot[i]!;
        const belowUsers = g.dynamics.user_facing.map((s) => up.get(s)).filter((h): h is number => h !== undefined);
        deep.push(belowUsers.length && Math.min(...belowUsers) >= 2 ? 1 : 0);
        const near = firingServices.map((s) => up.get(s)).filter((h): h is number => h !== undefined);
        toRoot.push(near.length ? Math.min(...near) + 1 : 2);
        rootAlerts.push(firingServices.includes(f.root_cause) ? 1 : 0);
        // What the root says about itself: its warnings and errors (sampling leaves at most one).
        const loud = task.serviceByName.get(f.root_cause)!.logs.filter((l) => / (WARN|ERROR|FATAL) /.test(l)).length;
        telling.push(loud);
        inconclusive.push(loud <= 1 ? 1 : 0);
        plausible.push(1 + new Set(g.dynamics.decoys).size / g.faults.length);
        shedFirst.push(f.needs_first?.length ? 1 : 0);
        if (f.masked_by === undefined) {
          const address = g.dynamics.services[f.root_cause]!.address;
          const named = [...task.serviceByName.values()].some((s) => s.name !== f.root_cause && s.logs.some((l) => l.includes(f.root_cause) || l.includes(address)));
          unnamed.push(named ? 0 : 1);
        }
      }
    }
    return {
      difficulty,
      incidents: seeds,
      rootAlertsShare: mean(rootAlerts),
      loudestOnRootShare: mean(loudest),
      hopsLoudestToRoot: mean(hops),
      deepRootShare: mean(deep),
      investigationsToRoot: mean(toRoot),
      tellingLinesInRoot: mean(telling),
      inconclusiveRootShare: mean(inconclusive),
      plausibleRemedies: mean(plausible),
      redHerrings: mean(red),
      controlShare: mean(control),
      doubleShare: mean(double),
      maskedShare: mean(masked),
      unnamedRootShare: mean(unnamed),
      shedFirstShare: mean(shedFirst),
      servicesMean: mean(size),
      charsAtReset: Math.round(mean(chars0)),
      charsAtResetMax: Math.max(...chars0),
      charsAllInvestigated: Math.round(mean(charsAll)),
    };
  });
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function ladderTable(rows: LadderRow[]): string {
  const head = '| difficulty | services | root fires an alert | loudest alert on a root | hops from loudest alert to root | root two or more calls below the users | fewest investigations to reach the root | warnings and errors in root logs | root logs hold at most one | plausible remedies | red herrings | no-fault controls | double faults | masked second faults | root named by no log | remedy needs load shed first | observation chars at reset (max) | chars, all investigated |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|';
  const body = rows.map((r) => `| ${r.difficulty} | ${r.servicesMean.toFixed(1)} | ${pct(r.rootAlertsShare)} | ${pct(r.loudestOnRootShare)} | ${r.hopsLoudestToRoot.toFixed(2)} | ${pct(r.deepRootShare)} | ${r.investigationsToRoot.toFixed(2)} | ${r.tellingLinesInRoot.toFixed(2)} | ${pct(r.inconclusiveRootShare)} | ${r.plausibleRemedies.toFixed(1)} | ${r.redHerrings.toFixed(1)} | ${pct(r.controlShare)} | ${pct(r.doubleShare)} | ${pct(r.maskedShare)} | ${pct(r.unnamedRootShare)} | ${pct(r.shedFirstShare)} | ${r.charsAtReset} (${r.charsAtResetMax}) | ${r.charsAllInvestigated} |`);
  return [head, ...body].join('\n');
}
