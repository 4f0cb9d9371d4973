// Debian's headless Chromium driven by playwright-core. Any console error or page error fails the
// test that opened the page; screenshots are kept in the artifacts folder.
import { chromium } from 'playwright-core';
import { appendFileSync, mkdirSync } from 'node:fs';
import { recordDir } from './record.mjs';

export const artifactsDir = process.env.POLYLENS_ARTIFACTS ?? '/tmp/polylens-artifacts';

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // WebGL2 without a GPU: ANGLE on SwiftShader, Chromium's software rasteriser.
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}

// Opens a page and records console errors and page errors in `problems`. hasTouch: a touch screen
// (page.touchscreen), as a kiosk has.
export async function openPage(browser, url, { width = 1280, height = 800, hasTouch = false } = {}) {
  const page = await browser.newPage({ viewport: { width, height }, hasTouch });
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // What the page received goes to the run's record too (text answers), for the final secret scan.
  page.on('response', async (r) => {
    const type = r.headers()['content-type'] ?? '';
    let body = '';
    try {
      if (/json|text|javascript/.test(type)) body = await r.text();
    } catch {}
    const headers = Object.entries(r.headers()).map(([k, v]) => `${k}: ${v}`).join('\n');
    appendFileSync(`${recordDir}/browser-${process.pid}.log`, `${r.status()} ${r.url()}\n${headers}\n\n${body}\n\n`);
  });
  await page.goto(url);
  return { page, problems };
}

export async function screenshot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  const path = `${artifactsDir}/${name}.png`;
  await page.screenshot({ path });
  return path;
}

// The read-only test hook of the web client.
export function uiState(page) {
  return page.evaluate(() => window.polylens?.state?.() ?? null);
}

// Polls the hook until `predicate(state)` holds; no timing assertions, only a generous ceiling.
export async function waitForState(page, predicate, what, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  let last = null;
  while (Date.now() < deadline) {
    last = await uiState(page);
    if (last && predicate(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last)}`);
}

// Like waitForState, but the state returned comes from a frame drawn after the predicate held. An answer
// lands between frames, and the widgets' rects in the hook are the last frame's: a strip that appears with
// the answer moves everything below it one frame later, and a click at the old rect would miss.
export async function waitForLayout(page, predicate, what, timeoutMs = 60000) {
  const held = await waitForState(page, predicate, what, timeoutMs);
  return waitForState(page, (s) => s.frame >= held.frame + 2 && predicate(s), `${what}, drawn`, timeoutMs);
}
