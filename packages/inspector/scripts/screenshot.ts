/**
 * Takes docs/inspector.png: the inspector page of a development server (packages/inspector/test/scenario.ts) after
 * a few deliveries (accepted and handled, a duplicate, refused, a dead letter), with a refused delivery opened.
 *
 *   node --conditions=source --import tsx packages/inspector/scripts/screenshot.ts
 *
 * Needs Debian's chromium (/usr/bin/chromium, or CHROMIUM_PATH).
 */
import { fileURLToPath } from 'node:url';
import { sampleDelivery, sendDelivery } from '@countersign/testing';
import { launchChromium } from '../test/chromium.js';
import { CREDENTIALS, startScenario } from '../test/scenario.js';

const OUT = fileURLToPath(new URL('../../../docs/inspector.png', import.meta.url));

const scenario = await startScenario();
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(`${scenario.url}/inspector/`);
  await page.locator('#live:not(.off)').waitFor();
  await scenario.send({ platform: 'signit', event: 'envelopeStarted', ...CREDENTIALS.signit });
  const completed = await sampleDelivery({ platform: 'signit', event: 'envelopeCompleted', ...CREDENTIALS.signit });
  await sendDelivery(`${scenario.url}/webhooks/signit`, completed);
  await sendDelivery(`${scenario.url}/webhooks/signit`, completed); // the platform's retry: a duplicate
  await scenario.send({ platform: 'docstudio', event: 'COMPLETED', ...CREDENTIALS.docstudio }); // its handler fails: a dead letter
  await scenario.send({ platform: 'docstudio', event: 'SENT', login: 'hooks', password: 'a-guess' });
  await scenario.send({ platform: 'signit', event: 'participantConfirmed', appId: CREDENTIALS.signit.appId, appSecret: 'not-the-secret' });
  await page.locator('#rows button.replay').waitFor();
  await page.locator('#rows tr[data-outcome="refused"]').first().click();
  await page.locator('#detail:not([hidden]) #detail-title', { hasText: 'AUTH_INVALID' }).waitFor();
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  await scenario.close();
}
