/**
 * The inspector page in a real browser (Debian's chromium through playwright-core): deliveries sent after the page
 * opened appear as they happen; a refused one with its code, an accepted one with its handler outcome, a dead
 * letter replayed with its button; the detail view redacts secrets; filters; the token prompt.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireChromium } from './chromium.js';
import { CREDENTIALS, startScenario, type Scenario } from './scenario.js';

const browserUp = requireChromium('the inspector browser tests');

describe.runIf(browserUp)('the inspector page in chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let scenario: Scenario;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    scenario = await startScenario();
    page = await browser.context.newPage();
    await page.goto(`${scenario.url}/inspector`);
    await page.locator('#live:not(.off)').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await scenario?.close();
  });

  const row = (selector: string) => page.locator(`#rows tr${selector}`);
  const text = async (selector: string): Promise<string> => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();

  it('shows a refused delivery with its status and code, and an accepted one with its handler outcome, as they arrive', async () => {
    expect(await text('#empty')).toContain('No delivery yet');
    expect((await scenario.send({ platform: 'docstudio', event: 'SENT', login: 'hooks', password: 'a-guess' })).status).toBe(401);
    expect((await scenario.send({ platform: 'signit', event: 'envelopeCompleted', ...CREDENTIALS.signit })).status).toBe(200);

    const refused = row('[data-outcome="refused"]');
    await refused.waitFor();
    expect(await refused.locator('td.endpoint').innerText()).toBe('docstudio');
    expect(await refused.locator('td.verdict').innerText()).toMatch(/^401\s*AUTH_INVALID$/);
    expect(await refused.locator('td.handler').innerText()).toBe('-');

    const accepted = row('[data-outcome="accepted"]').filter({ hasText: 'envelopeCompleted' });
    await accepted.locator('td.handler', { hasText: 'handled' }).waitFor();
    expect(await accepted.locator('td.verdict').innerText()).toBe('200');
    expect(await accepted.locator('td.dedupe').innerText()).toBe('queued');
    expect(await text('#count')).toBe('2 of 2 deliveries (the last 200 are kept)');
  });

  it('shows an event whose handler failed on every attempt as a dead letter; its Replay button gets it handled', async () => {
    expect((await scenario.send({ platform: 'docstudio', event: 'COMPLETED', ...CREDENTIALS.docstudio })).status).toBe(202);
    const button = page.locator('#rows td.handler button.replay');
    await button.waitFor();
    const [deadId] = await scenario.deadLetters();
    expect(await button.getAttribute('data-event-id')).toBe(deadId);
    const outcome = page.locator(`#rows td.handler span[data-event-id="${deadId}"]`);
    expect(await outcome.innerText()).toMatch(/^dead letter\s*Replay$/);
    expect(await page.locator(`#rows tr:has(span[data-event-id="${deadId}"]) td.event, #rows tr:has(span[data-event-id="${deadId}"]) td.events`).innerText()).toMatch(/^COMPLETED\s*completed$/); // the event, and its lifecycle stage

    scenario.archiveUp(true);
    await button.click();
    await page.locator(`#rows td.handler span[data-event-id="${deadId}"]`, { hasText: 'handled' }).waitFor();
    expect(await outcome.innerText()).toBe('handled');
    expect(await scenario.deadLetters()).toEqual([]);
  });

  it('opens a delivery: headers with secrets redacted, the body pretty-printed, the answer sent', async () => {
    await row('[data-outcome="refused"]').click();
    await page.locator('#detail:not([hidden]) #detail-title', { hasText: 'AUTH_INVALID' }).waitFor();
    expect(await text('#detail-title')).toMatch(/^POST docstudio -> 401 AUTH_INVALID \(refused, [\d.]+ ms\)$/);
    const headers = await page.locator('#detail-headers tr').allInnerTexts();
    expect(headers.map((h) => h.replace(/\s+/g, ' '))).toContain('authorization [redacted]');
    expect(headers.join('\n')).not.toContain('Basic ');
    const body = await page.locator('#detail-body').innerText();
    expect(body).toMatch(/^\{\n {2}"mailbox": /);
    expect(JSON.parse(body)).toMatchObject({ status: 'SENT' });
    expect(await page.locator('#detail-answer').innerText()).toContain('"code":"AUTH_INVALID"');

    await row('[data-outcome="accepted"]').filter({ hasText: 'envelopeCompleted' }).click();
    await page.locator('#detail-title', { hasText: 'signit' }).waitFor();
    expect((await page.locator('#detail-headers').innerText()).replace(/\s+/g, ' ')).toContain('x-signit-signature [redacted]');
  });

  it('filters by endpoint and by outcome', async () => {
    await page.selectOption('#filter-endpoint', 'signit');
    expect(await page.locator('#rows tr').count()).toBe(1);
    await page.selectOption('#filter-endpoint', '');
    await page.selectOption('#filter-outcome', 'refused');
    expect(await page.locator('#rows tr td.verdict').allInnerTexts()).toEqual([expect.stringMatching(/^401\s*AUTH_INVALID$/)]);
    await page.selectOption('#filter-outcome', 'handled');
    expect(await page.locator('#rows tr').count()).toBe(2);
    await page.selectOption('#filter-outcome', '');
    expect(await page.locator('#rows tr').count()).toBe(3);
  });
});

describe.runIf(browserUp)('an inspector with a token, in chromium', () => {
  it('shows nothing until the token is given, then the deliveries', async () => {
    const browser = await launchChromium();
    const scenario = await startScenario({ token: 'inspector-token-0123456789' });
    try {
      await scenario.send({ platform: 'signit', event: 'envelopeStarted', ...CREDENTIALS.signit });
      const page = await browser.context.newPage();
      await page.goto(`${scenario.url}/inspector/`);
      await page.locator('#token-form:not([hidden])').waitFor();
      expect(await page.locator('#rows tr').count()).toBe(0);
      await page.fill('#token', 'inspector-token-0123456789');
      await page.click('#token-form button');
      await page.locator('#rows tr[data-outcome="accepted"]').waitFor();
      expect(await page.locator('#rows tr').count()).toBe(1);
      // A page opened with #token= in its address (never sent to the server) goes straight in.
      const direct = await browser.context.newPage();
      await direct.goto(`${scenario.url}/inspector/#token=inspector-token-0123456789`);
      await direct.locator('#rows tr').first().waitFor();
      expect(direct.url()).toBe(`${scenario.url}/inspector/`);
    } finally {
      await browser.close();
      await scenario.close();
    }
  }, 60_000);
});
