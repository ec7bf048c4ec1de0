/** What the console's browser suites share: their server and browser, and task_easy played by its controls. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { listening } from '../helpers/server.js';
import { launch } from './browser.js';

/** task_easy started and postgres-db investigated, its telling log line on screen. */
export async function startAndInvestigatePostgres(page: Page): Promise<void> {
  await page.getByTestId('start').click();
  await page.getByTestId('alerts').waitFor();
  await page.getByTestId('service').selectOption('postgres-db');
  await page.getByTestId('investigate').click();
  await page.getByText('FATAL sorry, too many clients already').first().waitFor();
}

/** Page the database team with a root-cause statement; the step counter then reads `step`. */
export async function pageDatabaseTeam(page: Page, step: number): Promise<void> {
  await page.getByTestId('details').fill('Root cause: postgres-db is out of connections');
  await page.getByTestId('team').selectOption('database-team');
  await page.getByTestId('escalate').click();
  await page.getByTestId('step').getByText(String(step)).waitFor();
}

/** Apply task_easy's fix, which ends the episode: the debrief shows. */
export async function applyTheFix(page: Page): Promise<void> {
  await page.getByTestId('fix').selectOption('increase_db_connections');
  await page.getByTestId('apply').click();
  await page.getByTestId('explanation').waitFor();
}

/** A listening server and a Chromium for one suite, started before its tests and closed after. */
export function consoleSuite(): { readonly server: Awaited<ReturnType<typeof listening>>; readonly browser: Browser } {
  const ctx = {} as { server: Awaited<ReturnType<typeof listening>>; browser: Browser };
  beforeAll(async () => {
    ctx.server = await listening();
    ctx.browser = await launch();
  }, 30_000);
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.server?.app.close();
  });
  return ctx;
}
