/** `npm run screenshots`: pictures of the console for the README (play, watch, the debrief, a large incident, a drill, a phone). */
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

// A large expert incident: every service, by health, with the alerting subgraph one tick away.
await page.goto(`${server.url}/web/#mode=play&task=generated&seed=11&difficulty=expert&split=test`);
await page.reload();
await page.getByTestId('start').click();
await page.getByTestId('alerts').waitFor();
await page.screenshot({ path: 'docs/console-large.png', fullPage: false });

// A drill: the player in exam mode, and the facilitator's view with the answer and a hint sent.
await page.goto(`${server.url}/web/#mode=play&task=task_medium`);
await page.reload();
await page.getByTestId('drill').check();
await page.getByTestId('start').click();
await page.getByTestId('alerts').waitFor();
const link = await page.getByTestId('facilitator-link').inputValue();
await page.getByTestId('service').selectOption('checkout-service');
await page.getByTestId('investigate').click();
await page.getByTestId('history').locator('li').first().waitFor();
const facilitator = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
await facilitator.goto(link);
await facilitator.getByTestId('player-actions').getByText('investigate checkout-service').waitFor();
await facilitator.getByTestId('hint-text').fill('What does checkout-service call that everyone else calls too?');
await facilitator.getByTestId('send-hint').click();
await facilitator.getByText('Sent:').waitFor();
await facilitator.screenshot({ path: 'docs/console-facilitator.png', fullPage: false });
await page.getByTestId('hints').getByText('everyone else calls too').waitFor({ timeout: 10_000 });
await page.screenshot({ path: 'docs/console-drill.png', fullPage: false });
await facilitator.close();

// A phone.
const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
await phone.goto(`${server.url}/web/#mode=play&task=task_easy`);
await phone.getByTestId('start').click();
await phone.getByTestId('alerts').waitFor();
await phone.screenshot({ path: 'docs/console-phone.png', fullPage: false });

await browser.close();
await server.app.close();
console.log('wrote docs/console-{play,watch,explanation,large,facilitator,drill,phone}.png');
