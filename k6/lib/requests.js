// The HTTP shape of every request the scenarios send (method, URL, body, headers), shared by the
// k6 scripts and the Node check against a running service, so both send exactly the same thing.

/**
 * @typedef {import('./moveflow.js').Request
 *   | {name: 'stats'}
 *   | {name: 'workflow'}
 *   | {name: 'history', id: string, cursor?: string}
 *   | {name: 'delete', id: string}
 *   | {name: 'create', body: object}} ApiRequest
 *   `name` is also the k6 `name` tag that groups latency per endpoint.
 */

/**
 * @param {{baseUrl: string, token: string | null, adminToken: string | null, date: string}} config
 * @param {ApiRequest} request
 * @returns {{method: 'GET' | 'POST' | 'DELETE', url: string, body: string | null, headers: Record<string, string>}}
 */
export function httpRequest(config, request) {
  const api = `${config.baseUrl}/api/admin`;
  // The cleanup's deletes need the admin role, which the token that moves cards may lack.
  const token = request.name === 'delete' ? config.adminToken ?? config.token : config.token;
  /** @type {Record<string, string>} */
  const headers = token === null ? {} : { Authorization: `Bearer ${token}` };
  /** @param {string} url */
  const get = (url) => ({ method: /** @type {const} */ ('GET'), url, body: null, headers });
  /** @param {string} url @param {object} body */
  const post = (url, body) => ({
    method: /** @type {const} */ ('POST'), url, body: JSON.stringify(body), headers: { ...headers, 'Content-Type': 'application/json' },
  });
  switch (request.name) {
    case 'board': return get(`${api}/appointments/board?date=${config.date}`);
    case 'stats': return get(`${api}/dashboard/stats?date=${config.date}`);
    case 'card': return get(`${api}/appointments/${request.id}`);
    case 'history': return get(`${api}/appointments/${request.id}/history?limit=200${request.cursor ? `&cursor=${encodeURIComponent(request.cursor)}` : ''}`);
    case 'workflow': return get(`${api}/workflow`);
    case 'delete': return { method: 'DELETE', url: `${api}/appointments/${request.id}`, body: null, headers };
    case 'move': return post(`${api}/appointments/${request.id}/move`, request.body);
    case 'create': return post(`${api}/appointments`, request.body);
  }
}

/**
 * An answer as the decision modules see it: the status and the parsed JSON body, or null when the
 * body is not JSON (a proxy's error page, an empty body).
 * @param {number} status
 * @param {string | null} text
 * @returns {import('./moveflow.js').Answer}
 */
export function parseAnswer(status, text) {
  try {
    return { status, body: text === null || text === '' ? null : JSON.parse(text) };
  } catch (_) {
    return { status, body: null };
  }
}
