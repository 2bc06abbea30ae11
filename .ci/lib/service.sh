# Starting the service, waiting for its /readyz and stopping it by PID, for every script that runs
# the jar (sourced, not run): locust/run.sh, bench/common.sh and the .ci checks. Every wait is
# bounded; service_stop stops only the process service_start started.

SERVICE_PID=""

# service_start COMMAND...: runs COMMAND in the background with this function's stdout and stderr
# (redirect the call) and no stdin; its PID goes to SERVICE_PID. Give it the service's environment
# with `env NAME=value … java -jar …`, or a function that execs the service.
service_start() {
  "$@" </dev/null &
  SERVICE_PID=$!
}

# service_await_ready BASE_URL SECONDS: returns 0 once BASE_URL/readyz answers 2xx; 1 with one
# sentence on stderr when the process exits first or SECONDS pass.
service_await_ready() {
  local url="$1/readyz" deadline=$((SECONDS + $2))
  until curl -fsS --max-time 2 "$url" >/dev/null 2>&1; do
    if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
      echo "the service exited before $url answered" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "the service was not ready at $url within $2 s" >&2
      return 1
    fi
    sleep 0.5
  done
}

# service_stop [SECONDS]: SIGTERM (the service drains, then exits), SIGKILL after SECONDS (default
# 30), then reaps it. Does nothing when no service was started or it has already exited.
service_stop() {
  [ -n "$SERVICE_PID" ] || return 0
  local deadline=$((SECONDS + ${1:-30}))
  kill -TERM "$SERVICE_PID" 2>/dev/null || true
  while kill -0 "$SERVICE_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  kill -KILL "$SERVICE_PID" 2>/dev/null || true
  wait "$SERVICE_PID" 2>/dev/null || true
  SERVICE_PID=""
}
