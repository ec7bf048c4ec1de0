import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { generatedTask, observe, reset } from '../../src/domain/index.js';
import { ruleAgent } from '../../src/agents/index.js';
import { runEval } from '../../src/eval/harness.js';
import { consoleRoot } from '../../src/server/web-routes.js';
import { listening } from '../helpers/server.js';
import { hasChromium } from './browser.js';
import { applyTheFix, consoleSuite, pageDatabaseTeam, startAndInvestigatePostgres } from './steps.js';

const ready = hasChromium() && consoleRoot() !== null;
if (!ready) console.warn('console e2e tests skipped: needs /usr/bin/chromium (apt-get install chromium) and a built console (npm run build:web)');

describe.skipIf(!ready)('web console (Chromium)', () => {
  const suite = consoleSuite();

  const open = async (hash: string): Promise<{ page: Page; sessions: string[] }> => {
    const page = await suite.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const sessions: string[] = [];
    page.on('response', async (r) => {
      if (r.url().includes('/session?')) sessions.push(((await r.json()) as { session_id: string }).session_id);
    });
    await page.goto(`${suite.server.url}/web/#${hash}`);
    return { page, sessions };
  };


  it('behind ENV_AUTH_TOKEN: opened as /web/#token=…, the console plays; without the token it says what to do', async () => {
    const guarded = await listening({ authToken: 'drill-token' });
    try {
      const page = await suite.browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${guarded.url}/web/#mode=play&task=task_easy&token=drill-token`);
      await page.getByTestId('start').click();
      await page.getByTestId('alerts').waitFor();
      expect(page.url()).not.toContain('drill-token');
      expect(page.url()).toContain('mode=play');
      await page.close();
      const anonymous = await suite.browser.newPage({ viewport: { width: 1280, height: 900 } });
      await anonymous.goto(`${guarded.url}/web/#mode=play&task=task_easy`);
      await anonymous.getByText(/needs an access token/).first().waitFor({ timeout: 10_000 });
      await anonymous.close();
    } finally {
      await guarded.app.close();
    }
  });

  it('nothing is lost: a reload resumes the incident, a lost server session is rebuilt, and the play exports', async () => {
    const { page, sessions } = await open('mode=play&task=task_easy');
    await startAndInvestigatePostgres(page);
    // Reload: the same episode comes back, rebuilt from the saved actions.
    await page.reload();
    await page.getByTestId('notice').waitFor();
    expect(await page.getByTestId('notice').textContent()).toMatch(/1 action\(s\) replayed/);
    await page.getByText('FATAL sorry, too many clients already').first().waitFor();
    expect(await page.getByTestId('step').textContent()).toBe('1');
    // The server loses every session it holds (as after a restart): the next action still works.
    for (const id of sessions) await suite.server.envs.close(`id:${id}`);
    await page.getByTestId('details').fill('Root cause: postgres-db is out of connections');
    await page.getByTestId('team').selectOption('database-team');
    await page.getByTestId('escalate').click();
    await expect.poll(() => page.getByTestId('step').textContent()).toBe('2');
    // Exports: a trajectory the replay mode opens, and a Markdown timeline.
    const [trajectory] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-trajectory').click()]);
    const line = JSON.parse(readFileSync((await trajectory.path())!, 'utf8').trim()) as { spec: { task_id: string }; agent: string; steps: { action: { action_type: string } }[] };
    expect(line).toMatchObject({ spec: { task_id: 'task_easy' }, agent: 'human' });
    expect(line.steps.map((st) => st.action.action_type)).toEqual(['investigate', 'escalate']);
    const [timeline] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-timeline').click()]);
    const md = readFileSync((await timeline.path())!, 'utf8');
    expect(md).toContain('# Incident timeline: task_easy');
    expect(md).toMatch(/\| 2 \| {2}\| escalate database-team \|/);
    await page.close();
  });

  it('keyboard and pacing: focus returns to the button used, results are announced, watch pauses and steps, replay follows the arrow keys', async () => {
    const { page } = await open('mode=play&task=task_easy');
    await startAndInvestigatePostgres(page);
    expect(await page.getByTestId('step').textContent()).toBe('1');
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.getAttribute("data-testid")')).toBe('investigate');
    expect(await page.getByTestId('message').getAttribute('aria-live')).toBe('polite');
    expect(await page.getByTestId('message').textContent()).toMatch(/Investigated postgres-db/);
    await page.close();

    const watching = (await open('mode=watch&task=task_hard&agent=rule&speed=50')).page;
    await watching.getByTestId('watch').click();
    await watching.getByTestId('pause').click();
    // A step already on its way may still land: read the count once it has.
    await new Promise((r) => setTimeout(r, 300));
    const held = Number(await watching.getByTestId('step').textContent());
    await new Promise((r) => setTimeout(r, 400));
    expect(Number(await watching.getByTestId('step').textContent())).toBe(held);
    await watching.getByTestId('single-step').click();
    await expect.poll(async () => Number(await watching.getByTestId('step').textContent())).toBe(held + 1);
    await watching.close();

    const { trajectories } = await runEval({ agent: ruleAgent, tasks: ['task_hard'], difficulties: ['medium'], split: 'train', episodes: 1, concurrency: 1 });
    const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'trajectories.jsonl');
    writeFileSync(file, trajectories.map((t) => JSON.stringify(t)).join('\n'));
    const replaying = (await open('mode=replay')).page;
    await replaying.getByTestId('file').setInputFiles(file);
    await replaying.getByTestId('cursor').waitFor();
    await replaying.locator('body').click({ position: { x: 5, y: 5 } });
    await replaying.keyboard.press('ArrowRight');
    await replaying.keyboard.press('ArrowRight');
    await expect.poll(() => replaying.getByTestId('cursor').textContent()).toMatch(/^step 2 \//);
    await replaying.keyboard.press('ArrowLeft');
    await expect.poll(() => replaying.getByTestId('cursor').textContent()).toMatch(/^step 1 \//);
    await replaying.close();
  });

  it('every control has an accessible name, and the graded text field says it is graded', async () => {
    const { page } = await open('mode=play&task=task_easy');
    await page.getByTestId('start').click();
    await page.getByTestId('alerts').waitFor();
    for (const [label, testid] of [[/^investigate/, 'service'], [/^escalate/, 'team'], [/^apply fix/, 'fix'], [/root-cause statement/, 'details'], [/^postmortem/, 'postmortem']] as const) {
      expect(await page.getByLabel(label).getAttribute('data-testid')).toBe(testid);
    }
    expect(await page.getByTestId('details').getAttribute('aria-describedby')).toBe('ctl-details-hint');
    await page.close();
  });

  it('evidence: search and level filters over the logs, a click cites an evidence id in the postmortem, and the debrief shows a reference path', async () => {
    const { page } = await open('mode=play&task=task_easy');
    await startAndInvestigatePostgres(page);
    const logs = page.getByTestId('logs-postgres-db');
    expect(await logs.textContent()).toMatch(/ LOG /);
    // Errors and warnings only: the informational lines go.
    await page.getByTestId('level-info').uncheck();
    expect(await logs.textContent()).not.toMatch(/ LOG /);
    expect(await logs.textContent()).toContain('too many clients already');
    await page.getByTestId('level-info').check();
    // A search keeps the matching lines only.
    await page.getByTestId('log-search').fill('too many clients');
    const found = ((await logs.textContent()) ?? '').split('\n').filter(Boolean);
    expect(found.length).toBeGreaterThan(0);
    for (const line of found) expect(line.toLowerCase()).toContain('too many clients');
    await page.getByTestId('log-search').fill('');
    await pageDatabaseTeam(page, 2);
    await applyTheFix(page);
    await page.getByTestId('reference-path').waitFor();
    const reference = (await page.getByTestId('reference-path').textContent()) ?? '';
    expect(reference).toMatch(/Your path \(3 actions\)/);
    expect(reference).toContain('investigate postgres-db');
    expect(reference).toContain('apply_fix increase_db_connections');
    // The debrief's timeline lists every action with what came of it.
    expect(await page.getByTestId('debrief-timeline').locator('tbody tr').count()).toBe(3);
    // The catalogue names every service's owner.
    await page.getByText(/Service catalogue/).click();
    expect(await page.getByTestId('catalogue').textContent()).toContain('database-team');
    await page.close();
  });

  it('a click on an evidence id cites it in the postmortem draft, once', async () => {
    // An easy incident with an alert on a charted reading (error rate or p99), the first such seed
    // from 3 (which seeds qualify changes with the generator's version).
    const charted = (seed: number) => {
      const task = generatedTask({ seed, difficulty: 'easy', split: 'test', family: null });
      return observe(task, reset(task, {})).alerts.some((a) => !a.startsWith('[RESOLVED]') && /\((error_rate|latency_p99_ms)=/.test(a));
    };
    let seed = 3;
    while (!charted(seed)) seed++;
    const { page } = await open(`mode=play&task=generated&seed=${seed}&difficulty=easy&split=test`);
    await page.getByTestId('start').click();
    await page.getByTestId('alerts').waitFor();
    await page.getByTestId('investigate').click();
    const first = page.locator('pre.logs button.ev').first();
    await first.waitFor();
    const id = ((await first.textContent()) ?? '').trim();
    expect(id).toMatch(/^ev-[0-9a-f]{4}$/);
    await first.click();
    await first.click();
    expect(await page.getByTestId('postmortem').inputValue()).toBe(id);
    // Metric charts with axes; an alert's threshold drawn where an alert on that metric was seen.
    const charts = page.locator('[data-testid^="charts-"] svg.metric-chart');
    expect(await charts.count()).toBeGreaterThanOrEqual(2);
    expect(await charts.first().getAttribute('aria-label')).toMatch(/^error_rate of .*: now [0-9.]+/);
    // The first alert on a charted reading (error rate or p99; a queue's depth, say, has no chart).
    const texts = await page.getByTestId('alerts').locator('li').allTextContents();
    const alert = texts.find((t) => /\((error_rate|latency_p99_ms)=/.test(t)) ?? '';
    const alerting = /^\[[A-Z]+\] ([^:]+):/.exec(alert)![1]!;
    await page.getByTestId('service').selectOption(alerting);
    await page.getByTestId('investigate').click();
    await page.getByTestId(`charts-${alerting}`).locator('line.threshold').first().waitFor({ state: 'attached' });
    await page.close();
  });

  it('the graph: a click on a service picks it to investigate; "alerting only" narrows a large incident to what alerts and what it calls', async () => {
    // An expert incident whose alerting services, with what they call, are not the whole graph
    // (the first such seed from 11: which seeds qualify changes with the generator's version).
    const narrows = (seed: number) => {
      const task = generatedTask({ seed, difficulty: 'expert', split: 'test', family: null });
      const obs = observe(task, reset(task, {}));
      const alerting = new Set(obs.alerts.filter((a) => !a.startsWith('[RESOLVED]')).map((a) => /^\[[A-Z]+\] ([^:]+):/.exec(a)![1]!));
      const keep = new Set([...alerting, ...obs.services.filter((s) => alerting.has(s.name)).flatMap((s) => s.depends_on)]);
      return obs.services.length >= 14 && keep.size < obs.services.length;
    };
    let seed = 11;
    while (!narrows(seed)) seed++;
    const { page } = await open(`mode=play&task=generated&seed=${seed}&difficulty=expert&split=test`);
    await page.getByTestId('start').click();
    await page.getByTestId('alerts').waitFor();
    const nodes = page.locator('svg.graph g.node');
    const all = await nodes.count();
    expect(all).toBeGreaterThanOrEqual(14);
    await page.getByTestId('graph-focus').check();
    const focused = await nodes.count();
    expect(focused).toBeGreaterThan(0);
    expect(focused).toBeLessThan(all);
    await page.getByTestId('graph-focus').uncheck();
    const name = ((await nodes.nth(all - 1).getAttribute('data-testid')) ?? '').slice('node-'.length);
    await page.getByTestId(`node-${name}`).click();
    await expect.poll(() => page.getByTestId('service').inputValue()).toBe(name);
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('investigate');
    await page.close();
  });

  it('plays task_easy to completion; the score shown equals /state', async () => {
    const { page, sessions } = await open('mode=play&task=task_easy');
    await startAndInvestigatePostgres(page);
    await pageDatabaseTeam(page, 2);
    await applyTheFix(page);
    const shown = Number(await page.getByTestId('final-score').textContent());
    const state = (await (await fetch(`${suite.server.url}/state?session_id=${sessions[0]}`)).json()) as { score: number; done: boolean };
    expect(state.done).toBe(true);
    expect(shown).toBe(Number(state.score.toFixed(2)));
    expect(shown).toBeGreaterThanOrEqual(0.95);
    await page.close();
  });

  it('watch mode: the rule agent plays a generated incident to the end', async () => {
    const { page } = await open('mode=watch&task=generated&seed=7&difficulty=medium&split=test&agent=rule&speed=50');
    await page.getByTestId('watch').click();
    await page.getByTestId('explanation').waitFor({ timeout: 20_000 });
    expect(Number(await page.getByTestId('final-score').textContent())).toBeGreaterThan(0.5);
    expect(await page.getByTestId('history').locator('li').count()).toBeGreaterThan(2);
    await page.close();
  });

  it('replay: opens a trajectories.jsonl and steps forwards and backwards', async () => {
    const { trajectories } = await runEval({ agent: ruleAgent, tasks: ['task_hard'], difficulties: ['medium'], split: 'train', episodes: 1, concurrency: 1 });
    const file = join(mkdtempSync(join(tmpdir(), 'replay-')), 'trajectories.jsonl');
    writeFileSync(file, trajectories.map((t) => JSON.stringify(t)).join('\n'));
    const { page } = await open('mode=replay');
    await page.getByTestId('file').setInputFiles(file);
    const steps = trajectories[0]!.steps.length;
    await expect.poll(() => page.getByTestId('cursor').textContent()).toBe(`step 0 / ${steps}`);
    for (let i = 0; i < steps; i++) await page.getByTestId('forward').click();
    await page.getByTestId('explanation').waitFor();
    await page.getByTestId('back').click();
    expect(await page.getByTestId('cursor').textContent()).toBe(`step ${steps - 1} / ${steps}`);
    expect(await page.getByTestId('explanation').count()).toBe(0);
    await page.close();
  });

  it('renders agent text as text: injected markup is shown, not executed', async () => {
    const { page } = await open('mode=play&task=task_easy');
    await page.getByTestId('start').click();
    const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold</b>';
    await page.getByTestId('details').fill(payload);
    await page.getByTestId('escalate').click();
    await page.getByTestId('history').getByText(payload).waitFor();
    await page.getByTestId('postmortem').fill(payload);
    await page.getByTestId('submit-postmortem').click();
    await expect.poll(() => page.getByTestId('history').locator('li').count()).toBe(2);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.getByTestId('history').locator('img, script, b').count()).toBe(0);
    await page.close();
  });

  it('fits a phone screen', async () => {
    const page = await suite.browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${suite.server.url}/web/#mode=play&task=task_medium`);
    await page.getByTestId('start').click();
    await page.getByTestId('alerts').waitFor();
    // Runs in the page: the browser's own globals.
    const overflow = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
      return g.document.documentElement.scrollWidth - g.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(1);
    await page.close();
  });
});
