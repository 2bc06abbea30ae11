// Which bars each scenario must meet. Any breached threshold makes `k6 run` exit non-zero.

/** Request names (the k6 `name` tag) each scenario sends, for per-endpoint latency. */
export const SCENARIO_ENDPOINTS = {
  move: ['create', 'board', 'move', 'card'],
  mix: ['create', 'board', 'stats', 'move', 'card'],
  contention: ['create', 'board', 'move', 'card', 'history'],
  smoke: ['create', 'board', 'move', 'card'],
};

/** The shop's bar for a move, and ours (move and mix only; smoke runs on noisy CI machines). */
const SHOP_MOVE_P95 = 'p(95)<400';
const STRICT_MOVE_BARS = ['p(95)<=10', 'p(99)<=25'];
/** Always true: only there so k6 keeps the per-endpoint sub-metric in its summary. */
export const REPORT_ONLY = 'max>=0';

/**
 * @param {keyof typeof SCENARIO_ENDPOINTS} scenario
 * @returns {Record<string, string[]>}
 */
export function thresholdsFor(scenario) {
  /** @type {Record<string, string[]>} */
  const thresholds = {
    http_req_failed: ['rate<0.01'], // non-2xx other than the expected 409
    'http_req_duration{name:move}': [SHOP_MOVE_P95],
  };
  if (scenario === 'contention') {
    thresholds.invariant_violations = ['count==0']; // added by teardown
  } else {
    thresholds.conflicts = ['rate<0.1'];
    thresholds.conflicts_recovered = ['rate==1'];
    thresholds.no_movable_card = ['count==0'];
  }
  if (scenario === 'move' || scenario === 'mix') {
    thresholds['http_req_duration{name:move}'].push(...STRICT_MOVE_BARS);
  }
  if (scenario === 'mix') {
    thresholds['http_req_duration{name:board}'] = [SHOP_MOVE_P95];
    thresholds['http_req_duration{name:stats}'] = [SHOP_MOVE_P95];
  }
  for (const name of SCENARIO_ENDPOINTS[scenario]) {
    const key = `http_req_duration{name:${name}}`;
    if (!(key in thresholds)) thresholds[key] = [REPORT_ONLY];
  }
  return thresholds;
}
