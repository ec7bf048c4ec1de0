/** `npm run screenshots`: pictures of the console for the README (play, watch, end-of-episode explanation). */
import { mkdirSync } from 'node:fs';
import { listening } from '../helpers/server.js';
import { launch } from './browser.js';

const server = await listening();
const browser = await launch();
mkdirSync('docs', { recursive: true });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });

// Play: a cascading failure, part-way through.
await page.goto(`${server.url}/web/#mode=play&task=task_medium`);
await page.getByTestId('start').click();
for (const s of ['checkout-service', 'inventory-service', 'redis-cache']) {
  await page.getByTestId('service').selectOption(s);
  await page.getByTestId('investigate').click();
  await page.getByTestId('history').locator('li').nth(['checkout-service', 'inventory-service', 'redis-cache'].indexOf(s)).waitFor();
}
await page.screenshot({ path: 'docs/console-play.png', fullPage: false });

// Watch: the rule agent on a generated incident, mid-run.
await page.goto(`${server.url}/web/#mode=watch&task=generated&seed=42&difficulty=hard&split=test&agent=rule&speed=400`);
await page.reload();
await page.getByTestId('watch').click();
await page.getByTestId('history').locator('li').nth(3).waitFor({ timeout: 20_000 });
await page.screenshot({ path: 'docs/console-watch.png', fullPage: false });

// The end: the grader's explanation.
await page.getByTestId('explanation').waitFor({ timeout: 30_000 });
await page.getByTestId('explanation').scrollIntoViewIfNeeded();
await page.screenshot({ path: 'docs/console-explanation.png', fullPage: false });

await browser.close();
await server.app.close();
console.log('wrote docs/console-play.png, docs/console-watch.png, docs/console-explanation.png');
