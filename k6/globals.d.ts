// k6 provides a console (https://grafana.com/docs/k6/latest/javascript-api/#console) that @types/k6
// does not declare; the DOM library would bring in far more than k6 has.
declare var console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
};

// k6 fetches jslib modules at run time; @types/k6 does not describe them. The signature of
// k6-summary 0.1.0's textSummary (grafana/k6-jslib-summary).
declare module 'https://jslib.k6.io/k6-summary/0.1.0/index.js' {
  export function textSummary(data: object, options?: { indent?: string; enableColors?: boolean }): string;
}
