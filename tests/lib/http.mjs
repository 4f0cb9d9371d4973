// One HTTP helper for every suite: sends JSON (or raw bytes), reads the status, the headers, the
// body text and, when it parses, the body as JSON.
export async function requestJson(url, { method = 'POST', headers = {}, body } = {}) {
  const h = { ...headers };
  if (body !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) {
    h['content-type'] = 'application/json';
  }
  const raw = body === undefined || typeof body === 'string' || Buffer.isBuffer(body);
  const res = await fetch(url, { method, headers: h, body: raw ? body : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, json };
}

export const postJson = (url, body) => requestJson(url, { body });
