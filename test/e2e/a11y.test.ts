/**
 * The console against WCAG 2.1 AA, checked by axe-core in Chromium on every screen a drill uses:
 * the start page, an incident in play, watch mode, and the debrief after the postmortem. Also a
 * whole incident played with the keyboard alone, from the first Tab to the debrief.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { consoleRoot } from '../../src/server/web-routes.js';
import { hasChromium } from './browser.js';
import { applyTheFix, consoleSuite, pageDatabaseTeam, startAndInvestigatePostgres } from './steps.js';

const ready = hasChromium() && consoleRoot() !== null;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page as it is now, with the WCAG 2.0/2.1 A and AA rules. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const found = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)`)) as Violation[];
  return found.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

describe.skipIf(!ready)('console accessibility (axe-core, WCAG 2.1 AA)', () => {
  const suite = consoleSuite();

  it('the start page, an incident in play, watch mode and the debrief have no violations', async () => {
    // The console's CSP allows only its own scripts: the checker is injected past it, for the test alone.
    const page = await suite.browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await page.goto(`${suite.server.url}/web/#mode=play&task=task_easy`);
    await page.getByTestId('start').waitFor();
    expect(await violations(page)).toEqual([]);
    await startAndInvestigatePostgres(page);
    expect(await violations(page)).toEqual([]);
    await pageDatabaseTeam(page, 2);
    await page.getByTestId('postmortem').fill('Root cause: postgres-db ran out of connections (max_connections reached), so logins failed.');
    await page.getByTestId('submit-postmortem').click();
    await page.getByTestId('step').getByText('3').waitFor();
    await applyTheFix(page);
    expect(await violations(page)).toEqual([]);
    // The debrief says each stage's result in words: full, partial or none, never colour alone.
    expect(await page.getByTestId('explanation').locator('tbody tr td:first-child').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/(full|partial|none)$/)]));
    // The graph's legend and marks tell health without colour.
    expect(await page.getByTestId('graph-legend').textContent()).toMatch(/failing.*degraded.*healthy/);
    expect(await page.locator('svg.graph').getAttribute('aria-label')).toMatch(/\d+ failing, \d+ degraded, \d+ healthy/);
    await page.getByTestId('mode-watch').click();
    // The active mode is pressed, and announced.
    expect(await page.getByTestId('mode-watch').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('mode-announcement').textContent()).toMatch(/^Watch mode/);
    await page.getByTestId('watch').click();
    await page.getByTestId('pause').waitFor();
    expect(await violations(page)).toEqual([]);
    await page.close();
  }, 60_000);
  it('a whole incident played with the keyboard alone, from the first Tab to the debrief', async () => {
    const page = await suite.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${suite.server.url}/web/#mode=play&task=task_easy`);
    await page.getByTestId('start').waitFor();
    const focused = () => page.evaluate(`document.activeElement?.getAttribute('data-testid')`);
    /** Presses Tab (and nothing else) until the control with this test id has the focus. */
    const tabTo = async (testid: string) => {
      for (let i = 0; i < 80; i++) {
        if ((await focused()) === testid) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${testid}`);
    };
    await tabTo('start');
    await page.keyboard.press('Enter');
    await page.getByTestId('alerts').waitFor();
    // The shortcut i jumps to the service list; typing picks a service; Tab and Enter investigate.
    await page.keyboard.press('i');
    await page.keyboard.type('postgres-db');
    await tabTo('investigate');
    await page.keyboard.press('Enter');
    await page.getByText('FATAL sorry, too many clients already').first().waitFor();
    await tabTo('details');
    await page.keyboard.type('Root cause: postgres-db is out of connections');
    await tabTo('team');
    await page.keyboard.type('database-team');
    await tabTo('escalate');
    await page.keyboard.press('Enter');
    await page.getByTestId('step').getByText('2').waitFor();
    // Focus stays on the button just used, so the next action is a few Tabs away, not a page away.
    await expect.poll(focused, { timeout: 5000 }).toBe('escalate');
    await tabTo('fix');
    await page.keyboard.type('increase_db_connections');
    await tabTo('apply');
    await page.keyboard.press('Enter');
    await page.getByTestId('explanation').waitFor();
    expect(Number(await page.getByTestId('final-score').textContent())).toBeGreaterThanOrEqual(0.95);
    await page.close();
  }, 60_000);
  it('a drill: the player plays in exam mode, the facilitator sees the answer and the actions live, sends a hint, and gets the debrief', async () => {
    const player = await suite.browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await player.goto(`${suite.server.url}/web/#mode=play&task=task_easy`);
    await player.getByTestId('drill').check();
    await player.getByTestId('start').click();
    await player.getByTestId('alerts').waitFor();
    const link = await player.getByTestId('facilitator-link').inputValue();
    expect(link).toMatch(/#mode=facilitate&drill=[A-Za-z0-9_-]+&key=[A-Za-z0-9_-]+$/);
    const facilitator = await suite.browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await facilitator.goto(link);
    await facilitator.getByTestId('ground-truth').getByText('postgres-db').first().waitFor();
    expect(await violations(facilitator)).toEqual([]);
    // The player acts; the facilitator sees it.
    await player.getByTestId('service').selectOption('postgres-db');
    await player.getByTestId('investigate').click();
    await player.getByText('FATAL sorry, too many clients already').first().waitFor();
    await facilitator.getByTestId('player-actions').getByText('investigate postgres-db').waitFor();
    // Exam: no score, no reward in the step message, no reward chart.
    expect(await player.getByTestId('score').textContent()).toBe('—');
    expect(await player.getByTestId('message').textContent()).not.toMatch(/\+0\.|: new evidence/);
    expect(await player.getByText('Rewards', { exact: true }).count()).toBe(0);
    // A hint reaches the player.
    await facilitator.getByTestId('hint-text').fill('Page the team that owns what you just looked at.');
    await facilitator.getByTestId('send-hint').click();
    await player.getByTestId('hints').getByText('Page the team that owns what you just looked at.').waitFor({ timeout: 10_000 });
    expect(await violations(player)).toEqual([]);
    await pageDatabaseTeam(player, 2);
    await applyTheFix(player);
    // The end: the player sees the score; the facilitator's link is now the debrief.
    expect(await player.getByTestId('score').textContent()).toMatch(/^0\.\d\d$/);
    await facilitator.getByTestId('drill-debrief').waitFor({ timeout: 10_000 });
    expect(await facilitator.getByTestId('drill-debrief').textContent()).toContain('Your path (3 actions)');
    expect(await violations(facilitator)).toEqual([]);
    await player.close();
    await facilitator.close();
  }, 90_000);
});
