// k6 provides a console (https://grafana.com/docs/k6/latest/javascript-api/#console) that @types/k6
// does not declare; the DOM library would bring in far more than k6 has.
declare var console: {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
};
