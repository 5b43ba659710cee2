import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataOf, ProfessionalProposed } from '@express-quote/contracts';
import { testLogger } from '@express-quote/testing';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { northOf } from '../src/domain/geo.ts';
import { attributionIdOf, attributionStream } from '../src/domain/ids.ts';
import { handleBookingConfirmed } from '../src/handlers/booking-confirmed.ts';
import { bookingConfirmed, newBookingId, PARIS, professional } from './fixtures.ts';
import { type Harness, startHarness, tokenOf } from './harness.ts';

/** Debian's chromium package (CI installs it the same way); CHROMIUM_PATH overrides. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const first = professional({
  companyName: 'Premiers Arrivés',
  location: { ...northOf(PARIS, 3), city: 'Paris', postcode: '75018' },
});
const second = professional({
  companyName: 'Seconds Partout',
  location: { ...northOf(PARIS, 6), city: 'Paris', postcode: '75018' },
});

let h: Harness;
let browser: BrowserContext | undefined;
let profileDir: string | undefined;

/** Launches Debian's chromium with a fresh profile; fails (never skips) when it is not installed. */
const launchChromium = async (): Promise<BrowserContext> => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's package with ` +
        '`apt-get update && apt-get install -y chromium` (CI does the same), or set CHROMIUM_PATH.',
    );
  }
  profileDir = await mkdtemp(join(tmpdir(), 'attribution-chromium-'));
  // A persistent context is how Playwright takes a fresh --user-data-dir of our own.
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
};

beforeAll(async () => {
  h = await startHarness({ professionals: [first, second] });
});

afterAll(async () => {
  await browser?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
  await h?.stop();
});

describe('a professional accepts a mission in a real browser', () => {
  it('opens the accept link, clicks, sees the confirmation; the other professional sees "already assigned"', async () => {
    browser = await launchChromium();
    const bookingId = newBookingId();
    await handleBookingConfirmed(bookingConfirmed({ bookingId }), h.service.deps, testLogger());
    const proposals = (await h.service.deps.store.readStream(attributionStream(attributionIdOf(bookingId))))
      .filter((e) => e.type === 'attribution.professional_proposed')
      .map((e) => e.data as DataOf<typeof ProfessionalProposed>);
    const link = (p: DataOf<typeof ProfessionalProposed>) =>
      `${h.service.url}/attribution/respond?token=${encodeURIComponent(tokenOf(p.acceptUrl))}`;

    const page = await browser.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(link(proposals[0]!));
    await expect.poll(() => page.locator('h1').textContent()).toBe('Accepter cette mission ?');
    expect(await page.getByText('É. M.').count()).toBe(1);
    // Opening the page changed nothing: still broadcasting.
    expect(
      (await h.service.deps.store.readStream(attributionStream(attributionIdOf(bookingId)))).length,
    ).toBe(3);

    // ATTRIBUTION_SCREENSHOTS=<dir> keeps what the professional saw, for a person to look at.
    const shots = process.env.ATTRIBUTION_SCREENSHOTS;
    if (shots) await page.screenshot({ path: join(shots, 'mission-page.png'), fullPage: true });
    await page.getByRole('button', { name: 'Accepter la mission' }).click();
    await page.waitForURL(/\/attribution\/respond$/);
    expect(await page.locator('h1').textContent()).toBe('Mission acceptée');
    expect(await page.locator('body').textContent()).toContain('Premiers Arrivés');

    const other = await browser.newPage();
    const response = await other.goto(link(proposals[1]!));
    expect(response?.status()).toBe(409);
    expect(await other.locator('h1').textContent()).toBe('Mission déjà attribuée');
    expect(await other.getByRole('button').count()).toBe(0);
    if (shots) {
      await page.screenshot({ path: join(shots, 'accepted.png'), fullPage: true });
      await other.screenshot({ path: join(shots, 'already-assigned.png'), fullPage: true });
    }
  });
});
