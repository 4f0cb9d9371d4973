// The web bundle served by a plain static server on another origin, talking to the proxy named by ?proxy= or by
// config.json; and what the page says when that proxy is down (then Retry, clicked, once it is up) or refuses
// the page's origin (CORS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { paths, startDouble, startProxy, proxyEnv, runIndexer, deleteIndex, uniqueIndexName, closedPort } from '../lib/stack.mjs';
import { launchBrowser, openPage, screenshot, uiState, waitForLayout, waitForState } from '../lib/browser.mjs';
import { startStaticHost } from '../lib/static_host.mjs';

const index = uniqueIndexName('polylens-static');
let double, env, proxy, site, browser;
const started = [];

before(async () => {
  assert.ok(paths.webRoot, 'POLYLENS_WEB_ROOT is not set: configure with the native preset');
  site = await startStaticHost(paths.webRoot);
  double = await startDouble();
  env = proxyEnv({ double, index });
  const indexed = await runIndexer({ env });
  assert.equal(indexed.code, 0, indexed.stderr);
  proxy = await startProxy({ env, args: ['--cors-origins', site.url] });
  started.push(proxy);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const p of started) await p.stop();
  await double?.stop();
  await site?.stop();
  await deleteIndex(index);
});

// Chromium logs these itself for a refused connection or a CORS refusal; page code cannot suppress them.
const networkNoise = /Failed to load resource: net::ERR_(CONNECTION_REFUSED|FAILED)|has been blocked by CORS policy/;

async function searchThroughUi(page, text) {
  const { query_box: box, searches_answered: before } = await waitForLayout(page, (s) => s.ready, 'the page');
  await page.mouse.click(box.x + box.w / 2, box.y + box.h / 2);
  await waitForState(page, (s) => s.query_focused, 'the query box to take the keyboard');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  return waitForState(page, (s) => s.searches_answered > before && s.status === 'done' && s.hits.length > 0 &&
                                   s.thumbnails_loaded >= Math.min(3, s.hits.length), `results for ${text}`);
}

test('?proxy= points the statically hosted page at the proxy: health, a search and thumbnails cross origins', async () => {
  const { page, problems } = await openPage(browser, `${site.url}/?proxy=${encodeURIComponent(proxy.url)}`);
  const ready = await waitForState(page, (s) => s.ready, 'the first frame and /healthz');
  assert.equal(ready.connection.source, 'query');
  assert.equal(ready.connection.proxy, proxy.url);
  assert.equal(ready.health.doc_count, 118);
  assert.equal(ready.health_error, null);
  const state = await searchThroughUi(page, 'Eiffel Tower');
  assert.equal(state.error, null);
  await screenshot(page, 'static-host-query-param');
  // The bundle came from the static host, the API from the proxy: the page asked the static host for no API path.
  assert.ok(site.requests.includes('/polylens.wasm'));
  assert.ok(!site.requests.some((p) => p.startsWith('/api/') || p === '/healthz'), site.requests.join(' '));
  assert.ok(!site.requests.includes('/config.json'), 'the query parameter wins: config.json is not even fetched');
  assert.deepEqual(problems, []);
  await page.close();
});

test('config.json beside index.html names the proxy; ?proxy= overrides it', async () => {
  site.config = { proxy: proxy.url };
  try {
    let { page, problems } = await openPage(browser, `${site.url}/`);
    const state = await waitForState(page, (s) => s.ready, 'the first frame and /healthz');
    assert.equal(state.connection.source, 'config');
    assert.equal(state.connection.proxy, proxy.url);
    assert.equal(state.health.doc_count, 118);
    await searchThroughUi(page, 'torre Eiffel');
    assert.deepEqual(problems, []);
    await page.close();

    // config.json names a proxy that is not there; the query parameter names the real one and wins.
    site.config = { proxy: `http://127.0.0.1:${await closedPort()}` };
    ({ page, problems } = await openPage(browser, `${site.url}/?proxy=${encodeURIComponent(proxy.url)}`));
    const overridden = await waitForState(page, (s) => s.ready, 'the first frame and /healthz');
    assert.equal(overridden.connection.source, 'query');
    assert.equal(overridden.health.doc_count, 118);
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    site.config = null;
  }
});

test('a proxy that is down is explained on screen; once it is up, clicking Retry recovers', async () => {
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const { page, problems } = await openPage(browser, `${site.url}/?proxy=${encodeURIComponent(url)}`);
  const down = await waitForLayout(page, (s) => s.ready && s.connection.problem === 'unreachable' && s.connection.retry_button,
                                   'the unreachable-proxy panel');
  assert.equal(down.health_error.type, 'network_error');
  assert.match(down.health_error.message, new RegExp(`cannot reach the proxy at ${url}`));
  assert.equal(down.health, null);
  await screenshot(page, 'static-host-proxy-down');

  const late = await startProxy({ env, listen: `127.0.0.1:${port}`, args: ['--cors-origins', site.url] });
  started.push(late);
  const { retry_button: button } = down.connection;
  await page.mouse.click(button.x + button.w / 2, button.y + button.h / 2);
  const up = await waitForState(page, (s) => s.connection.attempts > down.connection.attempts && s.health?.doc_count === 118,
                                'the page to reach the proxy after Retry');
  assert.equal(up.connection.problem, '');
  assert.equal(up.connection.retry_button, null);
  assert.equal(up.health_error, null);
  await searchThroughUi(page, 'Eiffel Tower');
  await screenshot(page, 'static-host-recovered');
  assert.deepEqual(problems.filter((p) => !networkNoise.test(p)), []);
  assert.ok(problems.length > 0, 'Chromium logged the refused connection');
  await page.close();
  await late.stop();
});

test('a proxy that does not allow the page\'s origin gets a CORS explanation, not "cannot reach"', async () => {
  const strict = await startProxy({ env });  // no --cors-origins: same origin only
  started.push(strict);
  const { page, problems } = await openPage(browser, `${site.url}/?proxy=${encodeURIComponent(strict.url)}`);
  const refused = await waitForLayout(page, (s) => s.ready && s.connection.problem === 'cors' && s.connection.retry_button,
                                      'the CORS panel');
  assert.equal(refused.health_error.type, 'cors_refused');
  assert.match(refused.health_error.message, /refused this page's origin \(CORS\)/);
  await screenshot(page, 'static-host-cors-refused');
  // Retry asks again and gets the same diagnosis: the proxy has not changed its mind.
  const { retry_button: button } = refused.connection;
  await page.mouse.click(button.x + button.w / 2, button.y + button.h / 2);
  await waitForState(page, (s) => s.connection.attempts > refused.connection.attempts && !s.connection.checking &&
                                  s.connection.problem === 'cors', 'the second diagnosis');
  assert.deepEqual(problems.filter((p) => !networkNoise.test(p)), []);
  await page.close();
  await strict.stop();
});
