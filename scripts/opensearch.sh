#!/usr/bin/env bash
# A single-node OpenSearch 2.19 on 127.0.0.1:9200 (HTTP, no security plugin), run from Maven
# Central's integ-test-zip distribution on the machine's Java 17: no Docker, no OpenSearch install.
#   scripts/opensearch.sh start [--external] | stop | status | restart
# Idempotent: start does nothing when it already runs, stop when it does not. start returns once
# the cluster health is yellow or green.
# OpenSearch refuses to run as root: as root the node runs as the system user mqlab-opensearch
# (created on first start), which owns the node's config, data and logs under .mqlab/opensearch.
# A node on the port that this checkout did not start is refused (its indices are not this
# checkout's); start --external uses it anyway and records that (status shows it); stop never
# stops it.
# The distribution holds only core OpenSearch and the HTTP transport: no security, no painless
# scripts, no reindex/_delete_by_query, no ingest processors. Index by day, delete old indices.
# Environment: OPENSEARCH_PORT (9200), OPENSEARCH_HEAP (512m), OPENSEARCH_USER (mqlab-opensearch),
# OPENSEARCH_START_TIMEOUT (300 s: a loaded 2-core machine took 170 s, a quiet one ~15 s),
# MQLAB_HOME (<repo>/.mqlab), OPENSEARCH_EXTERNAL_HINT (how the caller uses a foreign node on purpose).
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

root=$(cd "$(dirname "$0")/.." && pwd)
home=${MQLAB_HOME:-$root/.mqlab}
dir=$home/opensearch
user=${OPENSEARCH_USER:-mqlab-opensearch}

# Every folder above it open to other users (o+x)? Else the node user cannot reach its files.
others_may_enter() {
  local path=$1
  while [[ $path != / ]]; do
    if [[ -e $path && $(stat -c %A "$path") != ?????????[xt] ]]; then return 1; fi
    path=$(dirname "$path")
  done
}

# A checkout under a private folder (/root/...) keeps the node's files where its user can
# enter: one folder per checkout, named after the checkout's path.
if [[ $(id -u) -eq 0 ]] && ! others_may_enter "$home"; then
  dir=/var/lib/$user/$(printf '%s' "$root" | sha1sum | cut -c1-12)
fi
port=${OPENSEARCH_PORT:-9200}
heap=${OPENSEARCH_HEAP:-512m}
pom=$root/infra/opensearch/pom.xml
version=$(grep -o '<opensearch.version>[^<]*' "$pom" | cut -d'>' -f2)
dist=$dir/dist/opensearch-$version
pidfile=$dir/opensearch.pid
log=$home/logs/opensearch.log
# what --external adopted: "pid: command line"
external=$dir/external

# A node on this checkout's own configuration folder.
ours() { cmdline_of "$1" | grep -qF -- "-Dopensearch.path.conf=$dir/config "; }

running_pid() {
  local pid=""
  if [[ -f $pidfile ]]; then pid=$(cat "$pidfile"); fi
  # pids get reused: trust the file only while that process is our node
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && ours "$pid"; then
    echo "$pid"
    return 0
  fi
  # a lost pid file: the node on the port is still ours if it runs on our configuration
  pid=$(pid_on_port "$port")
  if [[ -n $pid ]] && ours "$pid"; then
    echo "$pid" >"$pidfile"
    echo "$pid"
    return 0
  fi
  return 1
}

listener() {
  local pid
  pid=$(pid_on_port "$port")
  if [[ -n $pid ]]; then
    say "pid $pid: $(shown_cmdline_of "$pid")"
  else
    say "a process ss does not show (as root: ss -ltnp 'sport = :$port')"
  fi
}

# How to stop it: another checkout's node stops with that checkout's scripts/opensearch.sh stop.
stop_hint() {
  local pid=$1 config
  config=$(cmdline_of "$pid" | grep -o -- '-Dopensearch.path.conf=[^ ]*/\.mqlab/opensearch/config' || true)
  if [[ -n $config ]]; then
    config=${config#-Dopensearch.path.conf=}
    say "(cd ${config%/.mqlab/opensearch/config} && ./mqlab down), or kill $pid"
  else
    say "kill $pid"
  fi
}

refuse_foreign() {
  local pid
  pid=$(pid_on_port "$port")
  say "opensearch: 127.0.0.1:$port is taken by a process this checkout did not start:" >&2
  say "  $(listener)" >&2
  say "  Its indices are not this checkout's, so it is not used silently." >&2
  if [[ -n $pid ]]; then
    say "  Stop it: $(stop_hint "$pid")" >&2
  fi
  say "  Or use it on purpose: ${OPENSEARCH_EXTERNAL_HINT:-scripts/opensearch.sh start --external}" >&2
  return 1
}

# Root runs the node as a system user of its own; anyone else runs it as themselves.
as_node_user() {
  if [[ $(id -u) -eq 0 ]]; then
    setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"
  else
    "$@"
  fi
}

ensure_user() {
  [[ $(id -u) -eq 0 ]] || return 0
  id -u "$user" >/dev/null 2>&1 && return 0
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
  say "opensearch: created the system user $user (OpenSearch refuses to run as root)"
}

fetch_distribution() {
  if [[ -f $dist/.complete ]]; then return; fi
  say "opensearch: fetching OpenSearch $version from Maven Central (first run only, ~56 MB)"
  rm -rf "$dir/dist"
  # markers beside the unpacked files: the default (infra/opensearch/target) would skip this
  # for a second MQLAB_HOME
  "$root/mvnw" -q -B -ntp -f "$pom" dependency:unpack-dependencies -DincludeTypes=zip \
    -DoutputDirectory="$dir/dist" -DmarkersDirectory="$dir/dist/.markers"
  # the unpacked scripts lose their execute bits
  chmod -R a+rX "$dir/dist"
  chmod a+x "$dist"/bin/*
  touch "$dist/.complete"
}

java_home() {
  local java
  java=$(readlink -f "$(command -v java)")
  dirname "$(dirname "$java")"
}

# The node's own config folder: the distribution's JVM options with every relative path made
# absolute (the user cannot write into the distribution), logs on the console only.
configure() {
  mkdir -p "$dir/config" "$dir/data" "$dir/logs" "$home/logs"
  sed -e "s|=data\$|=$dir/data|" -e "s|logs/|$dir/logs/|" -e "s|filecount=32,filesize=64m|filecount=4,filesize=16m|" -e 's|^\(-Xm[sx]\).*|\1'"$heap"'|' \
    "$dist/config/jvm.options" >"$dir/config/jvm.options"
  mkdir -p "$dir/config/jvm.options.d"
  cat >"$dir/config/opensearch.yml" <<YML
# Written by scripts/opensearch.sh on each start: edit the script, not this file.
cluster.name: mqlab
node.name: mqlab-1
# loopback only: OpenSearch then runs without the production bootstrap checks
network.host: 127.0.0.1
http.port: $port
discovery.type: single-node
path.data: $dir/data
path.logs: $dir/logs
# a fuller shared disk must not turn the indices read-only
cluster.routing.allocation.disk.threshold_enabled: false
YML
  cat >"$dir/config/log4j2.properties" <<'PROPS'
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
logger.deprecation.name = org.opensearch.deprecation
logger.deprecation.level = error
PROPS
  if [[ $(id -u) -eq 0 ]]; then
    chown -R "$user:$user" "$dir/config" "$dir/data" "$dir/logs"
  fi
}

# The node user must be able to walk down to the node's folder (not so under a private home).
check_reachable() {
  [[ $(id -u) -eq 0 ]] || return 0
  if ! as_node_user test -r "$dist/bin/opensearch" -a -w "$dir/data"; then
    say "opensearch: the user $user cannot reach $dir (a folder above it is private)." >&2
    say "  Clone the project where other users may enter, or set MQLAB_HOME to such a folder." >&2
    return 1
  fi
}

health() {
  curl -fsS -m 5 "http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null |
    grep -o '"status":"[a-z]*"' | cut -d'"' -f4
}

start() {
  local use_external=${1:-}
  if running_pid >/dev/null; then
    rm -f "$external"
    return 0
  fi
  if port_open "$port"; then
    if [[ $use_external != --external ]]; then
      rm -f "$external"
      refuse_foreign
      return 1
    fi
    mkdir -p "$dir"
    listener >"$external"
    say "opensearch: using the external node on 127.0.0.1:$port ($(cat "$external"))"
    return 0
  fi
  rm -f "$external"
  mkdir -p "$dir" "$home/logs"
  ensure_user
  fetch_distribution
  configure
  check_reachable
  # keep the previous run's log: it may hold why that node died
  if [[ -f $log ]]; then mv -f "$log" "$log.1"; fi
  local run=()
  # setpriv execs (runuser would fork): the pid started here is the node's JVM
  if [[ $(id -u) -eq 0 ]]; then run=(setpriv --reuid="$user" --regid="$user" --init-groups --); fi
  (
    cd "$dist"
    exec nohup env -i PATH=/usr/bin:/bin LANG=C.UTF-8 OPENSEARCH_JAVA_HOME="$(java_home)" \
      OPENSEARCH_PATH_CONF="$dir/config" ${run[@]+"${run[@]}"} bin/opensearch
  ) >"$log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pidfile"
  local status deadline=$((SECONDS + ${OPENSEARCH_START_TIMEOUT:-300}))
  until [[ $(health) == @(yellow|green) ]]; do
    # the pid runs the launcher script for a moment before it becomes the JVM
    if ! kill -0 "$pid" 2>/dev/null; then
      say "opensearch: failed to start, last lines of $log:" >&2
      tail -n 30 "$log" >&2
      rm -f "$pidfile"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      say "opensearch: not ready after ${OPENSEARCH_START_TIMEOUT:-300} s (OPENSEARCH_START_TIMEOUT), left starting; see $log" >&2
      return 1
    fi
    sleep 1
  done
  status=$(health)
  say "opensearch: started (pid $pid, cluster $status) on http://127.0.0.1:$port, log $log"
}

stop() {
  local pid
  if [[ -f $external ]]; then
    # not ours to stop; forget it so the next start asks again
    rm -f "$external"
    say "opensearch: no longer using the external node on 127.0.0.1:$port (left running)"
  fi
  if ! pid=$(running_pid); then
    rm -f "$pidfile"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 60); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile"
      say "opensearch: stopped"
      return 0
    fi
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  say "opensearch: killed after 30 s"
}

status() {
  local pid
  if pid=$(running_pid); then
    say "opensearch: running (pid $pid, cluster $(health || true)) on http://127.0.0.1:$port, data in $dir/data"
  elif [[ -f $external ]] && port_open "$port"; then
    say "opensearch: EXTERNAL node on 127.0.0.1:$port, not started by this checkout (--external): $(cat "$external")"
  elif port_open "$port"; then
    say "opensearch: not this checkout's node on 127.0.0.1:$port, unused: $(listener)"
  else
    say "opensearch: not running"
    return 3
  fi
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  status) status ;;
  restart) stop && start ;;
  *) say "usage: $0 start [--external]|stop|status|restart" >&2; exit 2 ;;
esac
