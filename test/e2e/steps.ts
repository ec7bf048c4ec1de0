/** The console steps several browser tests share: task_easy played by its controls. */
import type { Page } from 'playwright-core';

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
