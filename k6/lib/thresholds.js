// Which bars each scenario must meet. Any breached threshold makes `k6 run` exit non-zero. The
// default profile is the shop's, which a healthy service meets over the internet; PROFILE=local
// adds our bars for a service on the same machine.

/** Request names (the k6 `name` tag) each scenario sends, for per-endpoint latency. */
export const SCENARIO_ENDPOINTS = {
  move: ['workflow', 'create', 'board', 'move', 'card', 'delete'],
  smoke: ['workflow', 'create', 'board', 'move', 'card', 'delete'],
  rate: ['workflow', 'create', 'board', 'move', 'card', 'delete'],
  mix: ['workflow', 'create', 'board', 'stats', 'move', 'card', 'delete'],
  contention: ['workflow', 'create', 'board', 'move', 'card', 'history', 'delete'],
};

/** The shop's bar for a move (and for the mix's reads). */
const SHOP_P95 = 'p(95)<400';
/** Ours, on a local service (PROFILE=local); not under contention, where moves wait on row locks by design. */
const LOCAL_MOVE_BARS = ['p(95)<=10', 'p(99)<=25'];
/** Always true: only there so k6 keeps the per-endpoint sub-metric in its summary. */
export const REPORT_ONLY = 'max>=0';

/**
 * @param {keyof typeof SCENARIO_ENDPOINTS} scenario
 * @param {'shop' | 'local'} profile
 * @returns {Record<string, string[]>}
 */
export function thresholdsFor(scenario, profile) {
  /** @type {Record<string, string[]>} */
  const thresholds = {
    http_req_failed: ['rate<0.01'], // non-2xx other than the expected 409 (and the cleanup's answers)
    'http_req_duration{name:move}': [SHOP_P95],
  };
  if (scenario === 'contention') {
    thresholds.invariant_violations = ['count==0']; // added by teardown
  } else {
    thresholds.conflicts = ['rate<0.1'];
    thresholds.conflicts_recovered = ['rate==1'];
    thresholds.no_movable_card = ['count==0'];
  }
  if (scenario === 'rate') {
    thresholds.dropped_iterations = ['count==0']; // else the latency was not measured at RATE
  }
  if (scenario === 'mix') {
    thresholds['http_req_duration{name:board}'] = [SHOP_P95];
    thresholds['http_req_duration{name:stats}'] = [SHOP_P95];
  }
  if (profile === 'local' && scenario !== 'contention') {
    thresholds['http_req_duration{name:move}'].push(...LOCAL_MOVE_BARS);
  }
  for (const name of SCENARIO_ENDPOINTS[scenario]) {
    const key = `http_req_duration{name:${name}}`;
    if (!(key in thresholds)) thresholds[key] = [REPORT_ONLY];
  }
  return thresholds;
}
