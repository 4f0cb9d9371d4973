// The playground's comparisons and refine by example in a real browser, driven by real mouse and keys (the test
// hook is only read):
//   Dims       the same query against the 1024- and the 256-dim field: two columns whose ids, kNN times and
//              overlap@10 / Kendall's tau match what the page's own two /api/v1/search answers say;
//   Languages  one concept in English, Spanish, Russian, Arabic and Japanese: the rank agreement on screen is
//              what this test computes from the five answers the page received;
//   Refine     "more like this" / "less like this" on result cards re-rank through /api/v1/knn with the vector
//              the browser computed; the double's and the proxy's counters prove no embedding was asked for.
//              The search carries only its query vector (return_query_vector); the hits' vectors come from one
//              knn on the first mark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { paths, startIndexedStack, uniqueIndexName } from '../lib/stack.mjs';
import { loadQueries } from '../lib/dataset.mjs';
import { launchBrowser, openPage, screenshot, uiState, waitForState, waitForLayout } from '../lib/browser.mjs';

const index = uniqueIndexName('polylens-compare');
const queries = loadQueries(paths.assets);
let stack, double, proxy, browser, page, problems;

before(async () => {
  assert.ok(paths.webRoot, 'POLYLENS_WEB_ROOT is not set: configure with the native preset');
  stack = await startIndexedStack({ index });
  ({ double, proxy } = stack);
  browser = await launchBrowser();
  // Tall enough that the second row of result cards is on screen without scrolling.
  ({ page, problems } = await openPage(browser, proxy.url, { width: 1280, height: 1100 }));
  await waitForState(page, (s) => s.ready && s.fonts_loaded, 'the first frame, /healthz and the fonts');
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

// ---- helpers ---------------------------------------------------------------------------------------

const center = (r) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });
async function click(rect, what) {
  assert.ok(rect, `${what} is on screen`);
  const { x, y } = center(rect);
  await page.mouse.click(x, y);
}

// The answers the page receives from one route, with the body it sent, from now on.
function collect(route) {
  const seen = [];
  const listener = async (r) => {
    if (!r.url().endsWith(route)) return;
    seen.push({ sent: JSON.parse(r.request().postData()), body: await r.json() });
  };
  page.on('response', listener);
  // The page may draw an answer before this listener has read its body: wait for the bodies too.
  const settled = async (count) => {
    while (seen.length < count) await page.waitForTimeout(20);
  };
  return { seen, settled, stop: () => page.off('response', listener) };
}

// The same measures the page states, computed here from the ids: overlap@k and Kendall's tau-a over the shared.
function agreement(a, b, k = 10) {
  const rankInB = new Map(b.slice(0, k).map((id, i) => [id, i]));
  const ranks = a.slice(0, k).filter((id) => rankInB.has(id)).map((id) => rankInB.get(id));
  let concordant = 0, discordant = 0;
  for (let i = 0; i < ranks.length; i++)
    for (let j = i + 1; j < ranks.length; j++) (ranks[i] < ranks[j] ? concordant++ : discordant++);
  const n = ranks.length;
  return { shared: n, overlap: n / k, tau: n < 2 ? null : (concordant - discordant) / (n * (n - 1) / 2) };
}

async function typeQuery(text) {
  const { query_box: box } = await uiState(page);
  await page.mouse.click(box.x + box.w / 2, box.y + box.h / 2);
  await waitForState(page, (s) => s.query_focused, 'the query box to take the keyboard');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
  await waitForState(page, (s) => s.query === text, `the box to show ${text}`);
}

const embedCalls = async () => (await (await fetch(`${double.url}/_control/stats`)).json()).embedding_requests;
const proxyStats = async () => (await fetch(`${proxy.url}/api/v1/stats`)).json();

// ---- Dims ------------------------------------------------------------------------------------------

test('Dims: one query against the 1024- and the 256-dim field, side by side, with overlap@10, tau and kNN times', async () => {
  await typeQuery('a red flower');
  const before = (await uiState(page)).compare.answered;
  const answers = collect('/api/v1/search');
  await click((await uiState(page)).compare.tabs[1], 'the Dims tab');
  const state = await waitForLayout(page, (s) => s.compare.mode === 'dims' && s.compare.answered > before,
    'the dims comparison');
  await answers.settled(2);
  answers.stop();
  await screenshot(page, 'compare-dims');

  assert.equal(answers.seen.length, 2, 'one search per field');
  const [wide, narrow] = state.compare.columns;
  assert.deepEqual([wide.dims, narrow.dims], [1024, 256]);
  assert.ok(wide.rect && narrow.rect && narrow.rect.x > wide.rect.x + wide.rect.w - 1, 'two columns side by side');
  for (const column of [wide, narrow]) {
    const answer = answers.seen.find((a) => a.sent.dims === column.dims);
    assert.deepEqual(answer.sent, { text: 'a red flower', k: 10, dims: column.dims });
    assert.equal(answer.body.dims, column.dims);
    assert.deepEqual(column.ids, answer.body.hits.map((h) => h.id), `${column.dims}: the column shows the answer's ranking`);
    assert.equal(column.took_ms.knn, answer.body.took_ms.knn, 'the kNN time is the answer\'s own');
    assert.equal(column.took_ms.total, answer.body.took_ms.total);
    assert.match(column.timing_line, new RegExp(`^kNN ${answer.body.took_ms.knn.toFixed(1)} ms`));
    assert.equal(column.rows.filter(Boolean).length, 10, 'ten ranked thumbnails');
  }
  const expected = agreement(wide.ids, narrow.ids);
  assert.equal(narrow.agreement.shared, expected.shared);
  assert.equal(narrow.agreement.overlap, expected.overlap);
  assert.ok(Math.abs(narrow.agreement.kendall_tau - expected.tau) < 1e-9);
  assert.match(narrow.agreement_line, new RegExp(`^overlap@10 ${expected.shared}/10`));
  assert.ok(expected.shared >= 5, `the 256-dim field finds most of the same images (${expected.shared}/10)`);
  assert.match(state.compare.measures, /Kendall's tau over the images both top-10 lists hold/);
  assert.deepEqual(problems, []);
});

// ---- Languages -------------------------------------------------------------------------------------

test('Languages: one concept in five languages (Cyrillic, Arabic, Japanese among them), rank agreement as computed from the answers', async () => {
  const before = (await uiState(page)).compare.answered;
  const answers = collect('/api/v1/search');
  await page.keyboard.press('3'); // the Languages tab, from the keyboard (no text field has it after the tab click)
  let state = await waitForLayout(page, (s) => s.compare.mode === 'languages' && s.compare.answered > before,
    'the languages comparison');
  await answers.settled(5);
  answers.stop();
  await screenshot(page, 'compare-languages');

  const concept = queries[0];
  assert.equal(state.compare.concept, concept.concept);
  const columns = state.compare.columns;
  assert.deepEqual(columns.map((c) => c.lang), ['en', 'es', 'ru', 'ar', 'ja']);
  assert.equal(answers.seen.length, 5);
  for (const column of columns) {
    assert.equal(column.query, concept[column.lang], `${column.lang}: the sample query of queries.tsv`);
    const answer = answers.seen.find((a) => a.sent.text === column.query);
    assert.ok(answer, `the page searched for ${column.query}`);
    assert.deepEqual(column.ids, answer.body.hits.map((h) => h.id));
  }
  const reference = columns[0].ids;
  for (const column of columns.slice(1)) {
    const expected = agreement(reference, column.ids);
    assert.equal(column.agreement.shared, expected.shared, column.lang);
    assert.equal(column.agreement.overlap, expected.overlap, column.lang);
    if (expected.tau === null) assert.equal(column.agreement.kendall_tau, null);
    else assert.ok(Math.abs(column.agreement.kendall_tau - expected.tau) < 1e-9, column.lang);
    assert.match(column.agreement_line, new RegExp(`^overlap@10 ${expected.shared}/10`));
  }
  assert.equal(columns[0].agreement, null, 'English is the reference');

  // ] moves on to the next concept, and the five columns follow.
  const next = queries[1];
  const answered = state.compare.answered;
  await page.keyboard.press(']');
  state = await waitForLayout(page, (s) => s.compare.answered > answered, 'the next concept');
  assert.equal(state.compare.concept, next.concept);
  assert.deepEqual(state.compare.columns.map((c) => c.query), ['en', 'es', 'ru', 'ar', 'ja'].map((l) => next[l]));
  // And the mouse goes back.
  await click(state.compare.previous_concept, 'previous concept');
  state = await waitForLayout(page, (s) => s.compare.answered > answered + 1, 'the previous concept');
  assert.equal(state.compare.concept, concept.concept);
  assert.deepEqual(problems, []);
});

// ---- Refine by example -----------------------------------------------------------------------------

test('Refine by example: + and − on results re-rank through /api/v1/knn with no embed call; Reset puts the ranking back', async () => {
  await page.keyboard.press('1'); // back to Search
  await waitForLayout(page, (s) => s.compare.mode === 'search', 'the Search tab');
  const answered = (await uiState(page)).searches_answered;
  await typeQuery('a cat');
  const searched = page.waitForResponse((r) => r.url().endsWith('/api/v1/search'));
  await page.keyboard.press('Enter');
  const search = await searched;
  const sent = JSON.parse(search.request().postData());
  assert.equal(sent.return_query_vector, true, 'the page asks for the query vector');
  assert.equal(sent.return_vectors, undefined, 'and not for the hits\' vectors');
  const searchText = await search.text();
  const searchBody = JSON.parse(searchText);
  assert.equal(searchBody.query_vector.length, 1024);
  assert.ok(searchBody.hits.every((h) => !('vector' in h)), 'the search answer carries no hit vectors');
  console.log(`# the page's search answer: ${searchText.length} bytes for ${searchBody.hits.length} hits`);
  let state = await waitForLayout(page, (s) => s.status === 'done' && s.searches_answered > answered && s.refine.available &&
    s.refine.more_buttons.filter(Boolean).length >= 6, 'results that can be refined');
  const original = state.hits.map((h) => h.id);
  assert.deepEqual(state.refine.original_ids, original);
  assert.equal(state.refine.query_vector_length, 1024);
  assert.equal(state.refine.vectors_known, 0, 'no hit vectors before a mark');
  assert.equal(state.refine.vector_fetches, 0);

  const embedsBefore = await embedCalls();
  const statsBefore = await proxyStats();

  // The mouse: "more like this" on the 6th result.
  const liked = original[5];
  const knns = collect('/api/v1/knn');
  await click(state.refine.more_buttons[5], 'the 6th result\'s + button');
  state = await waitForLayout(page, (s) => s.refine.refines >= 1 && !s.refine.refining && s.status === 'done', 'the re-ranking');
  assert.deepEqual(state.refine.marks, { [liked]: 1 });
  assert.equal(state.refine.vector_fetches, 1, 'the first mark fetched the hits\' vectors once');
  assert.equal(state.refine.fetch_matched, true, 'the fetch found the search\'s own hits');
  assert.equal(state.results_ui.open, -1, 'the button did not open the card');
  assert.equal(state.search_kind, 'refined');
  assert.ok(state.stats.chips.includes('embed: none') && state.stats.chips.includes('0 tokens'), state.stats.chips.join(' | '));
  assert.match(state.stats.chips.join(' | '), /cache: not used/);
  await screenshot(page, 'refine-more-like-this');
  const afterLike = state.hits.map((h) => h.id);
  assert.notDeepEqual(afterLike, original, 'the ranking changed');
  assert.ok(afterLike.indexOf(liked) < 5, `the liked image moved up (now #${afterLike.indexOf(liked) + 1})`);
  await knns.settled(2);
  assert.equal(knns.seen.length, 2, 'the vectors, then the re-ranking');
  // 1: the search's own vector, k and dims, with return_vectors: the same hits, now with their vectors.
  const [vectorsFetch, rerank] = knns.seen;
  assert.deepEqual(vectorsFetch.sent.vector, searchBody.query_vector);
  assert.equal(vectorsFetch.sent.k, 12);
  assert.equal(vectorsFetch.sent.dims, 1024);
  assert.equal(vectorsFetch.sent.return_vectors, true);
  assert.deepEqual(vectorsFetch.body.hits.map((h) => h.id), original, 'the fetch answers the search\'s hits');
  assert.ok(vectorsFetch.body.hits.every((h) => h.vector.length === 1024));
  // 2: Rocchio's q', a different vector.
  assert.equal(rerank.sent.vector.length, 1024);
  assert.notDeepEqual(rerank.sent.vector, searchBody.query_vector);
  assert.equal(rerank.sent.return_vectors, true);
  assert.deepEqual(afterLike, rerank.body.hits.map((h) => h.id), 'the page shows the kNN answer');

  // The keyboard: the first arrow shows the focus on card 1, the next moves it to card 2; − marks that one
  // "less like this".
  await page.keyboard.press('ArrowRight');
  await waitForLayout(page, (s) => s.results_ui.keyboard && s.results_ui.focused === 0, 'the focus on card 1');
  await page.keyboard.press('ArrowRight');
  state = await waitForLayout(page, (s) => s.results_ui.keyboard && s.results_ui.focused === 1, 'the focus on card 2');
  const disliked = state.hits[1];
  await page.keyboard.press('-');
  state = await waitForLayout(page, (s) => s.refine.refines >= 2 && !s.refine.refining, 'the second re-ranking');
  await knns.settled(3);
  knns.stop();
  assert.equal(knns.seen.length, 3, 'a later mark is one request: the vectors are kept');
  assert.equal(state.refine.vector_fetches, 1);
  assert.deepEqual(state.refine.marks, { [liked]: 1, [disliked.id]: -1 });
  assert.deepEqual(state.hits.map((h) => h.id), knns.seen[2].body.hits.map((h) => h.id));
  const again = state.hits.find((h) => h.id === disliked.id);
  assert.ok(!again || again.score < disliked.score, `the image marked "less like this" scores lower (${disliked.score} -> ${again?.score})`);
  await screenshot(page, 'refine-less-like-this');

  // No embedding was asked for: the double saw no call, the proxy billed no token and embedded no query.
  assert.equal(await embedCalls(), embedsBefore, 'the Jina double got no embedding request');
  const statsAfter = await proxyStats();
  assert.equal(statsAfter.tokens, statsBefore.tokens);
  assert.deepEqual(statsAfter.tokens_by_use.text_queries, statsBefore.tokens_by_use.text_queries);
  assert.equal(statsAfter.cache.hits, statsBefore.cache.hits, 'the embedding cache was not even asked');
  assert.equal(statsAfter.cache.misses, statsBefore.cache.misses);

  // Reset, with the mouse: the search's own ranking, without a request.
  const requests = [];
  const onRequest = (r) => r.url().includes('/api/v1/') && requests.push(r.url());
  page.on('request', onRequest);
  await click(state.refine.reset_button, 'Reset');
  state = await waitForLayout(page, (s) => !s.refine.refined && Object.keys(s.refine.marks).length === 0, 'the reset');
  page.off('request', onRequest);
  assert.deepEqual(state.hits.map((h) => h.id), original);
  assert.equal(state.search_kind, 'text', 'the search\'s own answer again');
  assert.deepEqual(requests, []);
  await screenshot(page, 'refine-reset');

  // And from the keyboard: + on the focused card re-ranks, 0 resets.
  await page.keyboard.press('ArrowRight');
  state = await waitForLayout(page, (s) => s.results_ui.keyboard && s.results_ui.focused >= 0, 'a focused card');
  const focusedId = state.hits[state.results_ui.focused].id;
  const refines = state.refine.refines;
  const knnsAfterReset = collect('/api/v1/knn');
  await page.keyboard.press('+');
  state = await waitForLayout(page, (s) => s.refine.refines > refines && !s.refine.refining, 'the + re-ranking');
  await knnsAfterReset.settled(1);
  knnsAfterReset.stop();
  assert.equal(knnsAfterReset.seen.length, 1, 'after Reset the vectors are still at hand: one request');
  assert.equal(state.refine.vector_fetches, 1);
  assert.deepEqual(state.refine.marks, { [focusedId]: 1 });
  await page.keyboard.press('0');
  state = await waitForLayout(page, (s) => !s.refine.refined, 'the 0 reset');
  assert.deepEqual(state.hits.map((h) => h.id), original);
  assert.deepEqual(state.refine.marks, {});
  assert.equal(await embedCalls(), embedsBefore, 'still no embedding request');
  assert.deepEqual(problems, []);
});
