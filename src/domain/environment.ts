/**
 * The environment as a pure state machine: reset gives a fresh episode; step takes an episode
 * and an action and returns the next episode with its observation, reward and done flag.
 * Nothing here reads a clock, a random source or any state outside its arguments.
 */
import { budgetBurn, logsAt, snapshot, wallClock } from './dynamics.js';
import type { Episode, Investigation } from './episode.js';
import { fetched, investigationOf } from './episode.js';
import { ESCALATE_MINUTES, GENERATOR_VERSION, investigationMinutes } from './generator/generate.js';
import { grade, type GradeReport } from './grader.js';
import { readText } from './reading.js';
import { GENERATED_REWARDS, NOOP_STREAK_LIMIT, SEED_REWARDS, round } from './scoring.js';
import { seedScenario, type Task } from './scenario.js';
import { MAX_EPISODE_TEXT, type Action, type InvestigationView, type Observation, type Reward, type State, type StepResult } from './schemas.js';

/** The seed tasks' per-step rewards (the seed README's table). */
export const REWARDS = SEED_REWARDS;
export { GENERATED_REWARDS, NOOP_STREAK_LIMIT };

/** Simulated minutes each action takes (a service with many dependencies takes longer to look at). */
export const MINUTES = { escalate: ESCALATE_MINUTES, fixDefault: 6, postmortem: 10, noOp: 5 } as const;

function minutesFor(task: Task, action: Action): number {
  switch (action.action_type) {
    case 'investigate':
      return investigationMinutes(task.serviceByName.get(action.target)?.depends_on.length ?? 0, action.view);
    case 'escalate':
      return MINUTES.escalate;
    case 'apply_fix':
      return task.scenario.generated?.dynamics.fix_minutes[action.target] ?? MINUTES.fixDefault;
    case 'postmortem':
      return MINUTES.postmortem;
    case 'no_op':
      return MINUTES.noOp;
  }
}

export interface ActionError {
  field: string;
  message: string;
  allowed?: readonly string[];
}

export type StepOutcome =
  | { ok: true; episode: Episode; result: StepResult; grade: GradeReport }
  | { ok: false; error: ActionError };

export interface ResetParams {
  seed?: number | null;
  episode_id?: string | null;
}

export function reset(task: Task, params: ResetParams = {}): Episode {
  const s = task.scenario;
  const firing = s.generated ? snapshot(task, emptyEpisode(s.id), 0, new Set()).alerts.filter((a) => !a.startsWith('[RESOLVED]')).length : s.alerts.length;
  return {
    ...emptyEpisode(s.id),
    params: s.generated?.params ?? null,
    episode_id: params.episode_id ?? null,
    seed: params.seed ?? s.generated?.params.seed ?? null,
    message: s.generated
      ? `Incident opened: ${s.title}. ${firing} alerts firing. Investigate a service for its logs and metrics (a "logs" or "metrics" view alone is quicker).`
      : `Incident opened: ${s.title}. ${firing} alerts firing. Investigate services to see their logs and detailed metrics.`,
  };
}

function emptyEpisode(taskId: string): Episode {
  return {
    task_id: taskId,
    params: null,
    episode_id: null,
    seed: null,
    minutes: 0,
    budget_burned: 0,
    step: 0,
    done: false,
    outcome: 'in_progress',
    investigated: [],
    escalations: [],
    fixes: [],
    postmortems: [],
    noop_streak: 0,
    cumulative_reward: 0,
    message: '',
    history: [],
  };
}

/** Checks the action's target against this task; the schema has already checked its shape. */
export function validateAction(task: Task, action: Action): ActionError | null {
  if (action.view !== undefined && action.action_type !== 'investigate') return { field: 'view', message: 'a view is for investigate only', allowed: [] };
  if (action.view !== undefined && !task.scenario.generated) return { field: 'view', message: 'seed tasks show logs and metrics together: leave "view" out', allowed: [] };
  const check = (kind: string, known: boolean, allowed: readonly string[]): ActionError | null =>
    known ? null : { field: 'target', message: `unknown ${kind} "${action.target}"`, allowed };
  switch (action.action_type) {
    case 'investigate':
      return check('service', task.serviceByName.has(action.target), [...task.serviceByName.keys()]);
    case 'escalate':
      return check('team', task.teamSet.has(action.target), [...task.teamSet]);
    case 'apply_fix':
      return check('fix', task.fixById.has(action.target), [...task.fixById.keys()]);
    case 'postmortem':
      return postmortemText(action).trim().length > 0
        ? null
        : { field: 'details', message: 'a postmortem needs its text in "details"' };
    case 'no_op':
      return null;
  }
}

/** Text already submitted in this episode (every action's details, as recorded). */
const submittedText = (ep: Episode) => ep.history.reduce((n, h) => n + (h.action.details?.length ?? 0), 0);

/** An action whose text would take the episode past MAX_EPISODE_TEXT is refused (nothing changes). */
function textBudgetError(ep: Episode, action: Action): ActionError | null {
  const length = action.details?.length ?? 0;
  if (length === 0) return null;
  const left = MAX_EPISODE_TEXT - submittedText(ep);
  return length <= left ? null : { field: 'details', message: `an episode takes at most ${MAX_EPISODE_TEXT} characters of text in all (notes and the postmortem); ${Math.max(0, left)} left, this one has ${length}` };
}

/** Seed clients put the text in `details`; a client following `postmortem:<text>` may use `target`. */
function postmortemText(action: Action): string {
  return action.details && action.details.trim().length > 0 ? action.details : action.target;
}

interface Effect {
  episode: Episode;
  reward: number;
  reason: string;
  message: string;
}

function investigate(task: Task, ep: Episode, service: string, view: InvestigationView | undefined, minutes: number): Effect {
  if (task.scenario.generated) return investigateGenerated(task, ep, service, view, minutes);
  if (investigationOf(ep, service)) {
    return { episode: ep, reward: 0, reason: `${service} was already investigated`, message: `${service}'s logs and metrics are already in the observation.` };
  }
  const next = { ...ep, investigated: [...ep.investigated, { service, step: ep.step + 1, minute: ep.minutes }] };
  const message = `Investigated ${service}: its logs and detailed metrics are now in the observation.`;
  const rubricWeight = seedScenario(task).rubric.find((i) => i.kind === 'investigate' && i.service === service)?.weight;
  if (rubricWeight !== undefined) {
    const reward = Math.min(REWARDS.investigateKeyMax, Math.max(REWARDS.investigateKeyMin, rubricWeight));
    return { episode: next, reward, reason: 'investigated a service at the heart of the incident', message };
  }
  return { episode: next, reward: REWARDS.investigateOther, reason: 'investigated a service outside the incident path', message };
}

/**
 * A generated incident's service is looked at one view at a time: a log search shows the lines
 * written up to when it finished (search again for newer ones); a metrics dashboard, once open,
 * stays live. Every query is recorded, so a search repeated later is a real refresh.
 */
function investigateGenerated(task: Task, ep: Episode, service: string, view: InvestigationView | undefined, minutes: number): Effect {
  const asOf = ep.minutes + minutes;
  // What earlier looks at this service fetched, and its latest log search.
  let lastSearch: Investigation | undefined;
  let opened = false;
  for (const i of ep.investigated) {
    if (i.service !== service) continue;
    if (fetched(i, 'logs')) lastSearch = i;
    if (fetched(i, 'metrics')) opened = true;
  }
  const next = { ...ep, investigated: [...ep.investigated, { service, step: ep.step + 1, minute: ep.minutes, as_of: asOf, ...(view ? { view } : {}) }] };
  const searches = view !== 'metrics';
  const opens = view !== 'logs';
  const newLogs = searches && lastSearch === undefined;
  const newMetrics = opens && !opened;
  const parts: string[] = [];
  if (searches) {
    if (lastSearch) {
      // Lines this search shows that the last one did not (a search shows the latest occurrences of a
      // failure that goes on, so new ones replace old ones rather than adding to them).
      const before = new Set(logsAt(task, ep.fixes, service, lastSearch.as_of ?? lastSearch.minute));
      const fresh = logsAt(task, ep.fixes, service, asOf).filter((l) => !before.has(l)).length;
      parts.push(`searched ${service}'s logs again as of minute ${asOf}: ${fresh} new line${fresh === 1 ? '' : 's'} since minute ${lastSearch.as_of ?? lastSearch.minute}`);
    } else parts.push(`searched ${service}'s logs as of minute ${asOf}`);
  }
  if (opens) parts.push(newMetrics ? `opened ${service}'s detailed metrics (they stay live)` : `${service}'s detailed metrics were already open`);
  const said = `${parts.join('; ')} (took ${minutes} min).`;
  const message = said.charAt(0).toUpperCase() + said.slice(1);
  // The same reward for every service: a reward never tells which one is the root.
  const fresh = newLogs || newMetrics;
  const what = [newLogs ? 'logs' : '', newMetrics ? 'metrics' : ''].filter(Boolean).join(' and ');
  return { episode: next, reward: fresh ? GENERATED_REWARDS.newEvidence : GENERATED_REWARDS.repeatInvestigation, reason: fresh ? `new evidence: ${service}'s ${what}` : `${service}: already fetched (a repeat search or look pays nothing; the message says what is new)`, message };
}

function escalate(task: Task, ep: Episode, team: string, details: string): Effect {
  const next = { ...ep, escalations: [...ep.escalations, { team, step: ep.step + 1, minute: ep.minutes, details }] };
  if (task.scenario.generated) {
    const again = ep.escalations.some((e) => e.team === team);
    return { episode: next, reward: GENERATED_REWARDS.page, reason: again ? `${team} was already paged` : `paged ${team}`, message: again ? `${team} is already engaged.` : `Paged ${team}. They acknowledge and join the incident.` };
  }
  if (!task.rightTeams.has(team)) {
    return { episode: next, reward: REWARDS.wrongEscalation, reason: `${team} does not own the failing component`, message: `Paged ${team}. They report that nothing they own is at fault.` };
  }
  if (ep.escalations.some((e) => e.team === team)) {
    return { episode: next, reward: 0, reason: `${team} was already paged`, message: `${team} is already engaged.` };
  }
  return { episode: next, reward: REWARDS.correctEscalation, reason: 'escalated to the owning team', message: `Paged ${team}. They acknowledge and take ownership of the incident.` };
}

function applyFix(task: Task, ep: Episode, fix: string, details: string, minutes: number): Effect {
  const next = { ...ep, fixes: [...ep.fixes, { fix, step: ep.step + 1, minute: ep.minutes + minutes, details }] };
  if (task.scenario.generated) {
    // What the change did shows in the metrics and alerts over the next minutes, as it would in production.
    return { episode: next, reward: GENERATED_REWARDS.change, reason: `applied ${fix}`, message: `Applied ${fix} (took ${minutes} min). Watch the metrics and alerts for its effect.` };
  }
  if (!task.rightFixes.has(fix)) {
    return { episode: next, reward: REWARDS.wrongFix, reason: `${fix} is not the remedy`, message: `Applied ${fix}. ${task.fixById.get(fix)!.effect}` };
  }
  if (ep.fixes.some((f) => f.fix === fix)) {
    return { episode: next, reward: 0, reason: `${fix} was already applied`, message: `${fix} is already in place.` };
  }
  return { episode: next, reward: REWARDS.correctFix, reason: 'applied the correct fix', message: `Applied ${fix}. ${task.fixById.get(fix)!.effect} Error rates are falling and alerts are resolving.` };
}

function submitPostmortem(task: Task, ep: Episode, text: string): Effect {
  const next = { ...ep, postmortems: [...ep.postmortems, { step: ep.step + 1, minute: ep.minutes, text }] };
  if (ep.postmortems.length > 0) {
    return { episode: next, reward: 0, reason: 'a postmortem was already submitted; only the first is graded', message: 'Postmortem noted; the first one submitted is the one graded.' };
  }
  if (task.scenario.generated) return { episode: next, reward: GENERATED_REWARDS.postmortem, reason: 'postmortem submitted', message: 'Postmortem submitted.' };
  const quality = grade(task, next, false).postmortem?.quality ?? 0;
  return {
    episode: next,
    reward: round(REWARDS.postmortemMax * quality),
    reason: `postmortem quality ${quality}`,
    message: 'Postmortem submitted.',
  };
}

function noOp(ep: Episode, generated: boolean): Effect {
  const streak = ep.noop_streak + 1;
  const repeated = streak >= NOOP_STREAK_LIMIT;
  const table = generated ? GENERATED_REWARDS : REWARDS;
  return {
    episode: { ...ep, noop_streak: streak },
    reward: repeated ? table.repeatedNoOp : table.noOp,
    reason: repeated ? `no_op ${streak} times in a row` : 'no_op',
    message: 'Nothing was done. The incident continues.',
  };
}

function effectOf(task: Task, ep: Episode, action: Action, minutes: number): Effect {
  const details = action.details ?? '';
  switch (action.action_type) {
    case 'investigate':
      return investigate(task, ep, action.target, action.view, minutes);
    case 'escalate':
      return escalate(task, ep, action.target, details);
    case 'apply_fix':
      return applyFix(task, ep, action.target, details, minutes);
    case 'postmortem':
      return submitPostmortem(task, ep, postmortemText(action));
    case 'no_op':
      return noOp(ep, task.scenario.generated !== undefined);
  }
}

export interface StepOptions {
  /**
   * The seed's forgiveness: an unknown service, team or fix is a penalised step (the seed's
   * reward, a reason naming what is allowed) instead of a rejected action. A page to an unknown
   * team counts as a wrong page, a change with an unknown fix as a wrong change.
   */
  forgiving?: boolean;
}

/** A step whose target names nothing in the incident, taken as the seed took it. */
function unknownTarget(task: Task, ep: Episode, action: Action, error: ActionError): Effect {
  const generated = task.scenario.generated !== undefined;
  const allowed = error.allowed ? `; allowed: ${error.allowed.join(', ')}` : '';
  const reason = `${error.message}${allowed}`;
  switch (action.action_type) {
    case 'escalate':
      return { episode: { ...ep, escalations: [...ep.escalations, { team: action.target, step: ep.step + 1, minute: ep.minutes, details: action.details ?? '' }] }, reward: generated ? GENERATED_REWARDS.page : REWARDS.wrongEscalation, reason, message: `No team is called "${action.target}"; nobody was paged.` };
    case 'apply_fix':
      return { episode: { ...ep, fixes: [...ep.fixes, { fix: action.target, step: ep.step + 1, minute: ep.minutes + MINUTES.fixDefault, details: action.details ?? '' }] }, reward: generated ? GENERATED_REWARDS.change : REWARDS.wrongFix, reason, message: `There is no fix "${action.target}"; nothing changed.` };
    default:
      return { episode: ep, reward: generated ? 0 : REWARDS.unknownService, reason, message: `There is no service "${action.target}".` };
  }
}

export function step(task: Task, episode: Episode, action: Action, options: StepOptions = {}): StepOutcome {
  if (episode.done) {
    const g = grade(task, episode);
    const reward: Reward = { value: REWARDS.afterDone, reason: 'already done' };
    return { ok: true, episode, grade: g, result: stepResult(task, episode, reward, g) };
  }
  const error = validateAction(task, action) ?? textBudgetError(episode, action);
  const forgiven = error !== null && options.forgiving === true && error.field === 'target' && action.action_type !== 'postmortem';
  if (error && !forgiven) return { ok: false, error };

  // Every text is read once, when it is submitted (the reading is memoised for the grade at the
  // end): the request that ends an episode never pays for the notes of all the others.
  if (task.scenario.generated && action.details && (action.action_type === 'escalate' || action.action_type === 'apply_fix')) readText(task, action.details, 'note');
  const minutes = minutesFor(task, action);
  const effect = forgiven ? unknownTarget(task, episode, action, error!) : effectOf(task, episode, action, minutes);
  const e = effect.episode;
  // One fresh record per step, filled in below before anyone else sees it.
  const ep: Episode = {
    task_id: e.task_id,
    params: e.params,
    episode_id: e.episode_id,
    seed: e.seed,
    minutes: episode.minutes + minutes,
    budget_burned: task.scenario.generated ? round(episode.budget_burned + budgetBurn(task, e, episode.minutes, minutes), 2) : 0,
    step: episode.step + 1,
    done: false,
    outcome: 'in_progress',
    investigated: e.investigated,
    escalations: e.escalations,
    fixes: e.fixes,
    postmortems: e.postmortems,
    noop_streak: action.action_type === 'no_op' ? e.noop_streak : 0,
    cumulative_reward: episode.cumulative_reward,
    message: effect.message,
    history: episode.history,
  };
  let value = effect.reward;
  let reason = effect.reason;

  let g = grade(task, ep, false);
  if (task.scenario.generated) {
    // A generated incident ends with the postmortem (or at max steps); the graded score is the terminal reward.
    if (g.settled || ep.step >= task.scenario.max_steps) {
      ep.done = true;
      ep.outcome = g.settled ? 'completed' : 'max_steps';
      ep.message += g.settled ? ' Episode over: the incident is closed.' : ' Episode over: max steps reached.';
      g = grade(task, ep);
      value += g.score;
      reason += `; episode graded: score ${g.score}`;
    }
  } else if (g.settled) {
    ep.done = true;
    ep.outcome = 'completed';
    if (g.success) {
      value += REWARDS.completionBonus;
      reason += '; task complete';
    }
    ep.message += ' Episode over: every rubric item is settled.';
  } else if (ep.step >= task.scenario.max_steps) {
    ep.done = true;
    ep.outcome = 'max_steps';
    value += REWARDS.maxStepsExceeded;
    reason += '; max steps exceeded';
    ep.message += ' Episode over: max steps reached.';
  }
  if (ep.done && !task.scenario.generated) g = grade(task, ep); // reveal the explanations now that it is over

  const reward: Reward = { value: round(value), reason };
  ep.cumulative_reward = round(ep.cumulative_reward + reward.value);
  const recorded = { action_type: action.action_type, target: action.target, details: action.details ?? null, ...(action.view ? { view: action.view } : {}) };
  ep.history = episode.history.concat({ step: ep.step, action: recorded, reward: reward.value, reason: reward.reason });
  return { ok: true, episode: ep, grade: g, result: stepResult(task, ep, reward, g) };
}

function stepResult(task: Task, ep: Episode, reward: Reward, g: GradeReport): StepResult {
  // The grade was taken before this step joined the history; the seed's no_op counter includes it.
  const grader_state = task.scenario.kind === 'seed' ? { ...g.grader_state, no_op_count: ep.history.filter((h) => h.action.action_type === 'no_op').length } : g.grader_state;
  return {
    // The reason travels with the observation too: OpenEnv's wire format carries only the scalar reward.
    observation: observe(task, ep, reward.reason),
    reward,
    done: ep.done,
    info: { score: g.score, grader_state, outcome: ep.outcome, cumulative_reward: ep.cumulative_reward },
  };
}

export function isFixed(task: Task, ep: Episode): boolean {
  return ep.fixes.some((f) => f.fix === task.scenario.truth.fix);
}

/** What the agent sees; after a step, `rewardReason` says why it earned its reward (the last key). */
export function observe(task: Task, ep: Episode, rewardReason?: string): Observation {
  const o = task.scenario.generated ? observeGenerated(task, ep) : observeSeed(task, ep);
  // Added to the fresh object, not spread into a copy: this runs on every step.
  if (rewardReason !== undefined) o.reward_reason = rewardReason;
  return o;
}

function observeGenerated(task: Task, ep: Episode): Observation {
  const s = task.scenario;
  // One pass over the investigations: what is open, what was searched (and as of when), in the order first looked at.
  const dashboards = new Set<string>();
  const searchedAt = new Map<string, number>();
  const seen = new Set<string>();
  const looked: string[] = [];
  for (const i of ep.investigated) {
    if (!seen.has(i.service)) {
      seen.add(i.service);
      looked.push(i.service);
    }
    if (fetched(i, 'metrics')) dashboards.add(i.service);
    if (fetched(i, 'logs')) searchedAt.set(i.service, i.as_of ?? ep.minutes);
  }
  const { metrics, alerts } = snapshot(task, ep, ep.minutes, dashboards);
  const logs: Record<string, string[]> = {};
  const logs_as_of: Record<string, number> = {};
  const metric_evidence: Record<string, string> = {};
  for (const service of looked) {
    const at = searchedAt.get(service);
    if (at !== undefined) {
      logs[service] = logsAt(task, ep.fixes, service, at);
      logs_as_of[service] = at;
    }
    if (dashboards.has(service)) metric_evidence[service] = task.metricEvidence.get(service)!;
  }
  const p = s.generated!.params;
  // The seed's fields, then the generated incident's, added to that fresh object in place: a
  // spread copy of it would cost more than the step itself (this is every generated step's path).
  const o = baseObservation(task, ep, { alerts, logs, metrics, investigated: looked });
  o.remedy_kinds = task.remedyKinds;
  o.metric_evidence = metric_evidence;
  o.logs_as_of = logs_as_of;
  o.elapsed_minutes = ep.minutes;
  o.clock = wallClock(task, ep.minutes);
  o.error_budget_remaining_pct = round(Math.max(0, 100 - ep.budget_burned), 2);
  o.scenario = { seed: p.seed, difficulty: p.difficulty, split: p.split, family: p.family };
  return o;
}

interface SeedView {
  logs: Record<string, string[]>;
  metrics: Record<string, Record<string, number>>;
  investigated: string[];
  alerts: string[];
}

/**
 * A seed task's observation depends only on which services were investigated (in order) and
 * whether the fix is in, so those parts are built once per combination and shared.
 */
function seedView(task: Task, ep: Episode): SeedView {
  const fixed = isFixed(task, ep);
  let key = fixed ? 'F' : 'U';
  for (const i of ep.investigated) key += `|${i.service}`;
  const cached = task.memo.views.get(key) as SeedView | undefined;
  if (cached) return cached;
  const overview = fixed ? task.recoveredOverview : task.overview;
  const logs: Record<string, string[]> = {};
  const metrics: Record<string, Record<string, number>> = {};
  for (const name of task.serviceByName.keys()) metrics[name] = overview[name]!;
  for (const { service } of ep.investigated) {
    const spec = task.serviceByName.get(service)!;
    logs[service] = spec.logs;
    metrics[service] = { ...overview[service], ...spec.detail };
  }
  const view: SeedView = { logs, metrics, investigated: ep.investigated.map((i) => i.service), alerts: fixed ? seedScenario(task).resolved_alerts : seedScenario(task).alerts };
  task.memo.views.set(key, view);
  return view;
}

function observeSeed(task: Task, ep: Episode): Observation {
  return baseObservation(task, ep, seedView(task, ep));
}

/** The seed's observation fields, in the seed's order; generated incidents add theirs after. */
function baseObservation(task: Task, ep: Episode, view: SeedView): Observation {
  const s = task.scenario;
  return {
    step: ep.step,
    alerts: view.alerts,
    logs: view.logs,
    metrics: view.metrics,
    available_actions: task.availableActions as string[],
    message: ep.message,
    task_id: s.id,
    task_description: s.description,
    max_steps: s.max_steps,
    services: task.serviceInfo as Observation['services'],
    investigated: view.investigated,
  };
}

export function state(task: Task, ep: Episode): State {
  const g = grade(task, ep);
  const t = task.scenario.truth;
  const gen = task.scenario.generated;
  const extra = gen
    ? {
        params: gen.params,
        ...(ep.done ? { stages: g.stages } : {}),
        elapsed_minutes: ep.minutes,
        error_budget_remaining_pct: round(Math.max(0, 100 - ep.budget_burned), 2),
        ...(ep.done ? { faults: gen.faults.map(({ concepts: _c, ...f }) => f) } : {}),
        generator_version: GENERATOR_VERSION,
      }
    : {};
  return {
    ...extra,
    episode_id: ep.episode_id,
    step_count: ep.step,
    task_id: ep.task_id,
    step: ep.step,
    max_steps: task.scenario.max_steps,
    score: g.score,
    done: ep.done,
    outcome: ep.outcome,
    cumulative_reward: ep.cumulative_reward,
    history: ep.history,
    grader_state: g.grader_state,
    rubric: g.items,
    penalties: g.penalties,
    ground_truth: ep.done ? { root_cause: t.root_cause, team: t.team, fix: t.fix, mechanism: t.mechanism } : null,
  };
}
