#!/usr/bin/env bash
# A standalone Kafka 4.2.1 broker in KRaft mode (broker + controller in one process) on
# 127.0.0.1:9092, run from Maven Central jars: no Docker, no Kafka install.
#   scripts/kafka.sh start [--external] | stop | status | restart
# Idempotent: start does nothing when it already runs, stop when it does not.
# A broker on the port that this checkout did not start (another clone's, a leftover) is
# refused: its data and offsets are not this checkout's. start --external uses it anyway and
# records that (status shows it); stop never stops it.
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), MQLAB_HOME (<repo>/.mqlab),
# KAFKA_EXTERNAL_HINT (how the caller uses a foreign broker on purpose, for the refusal).
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

root=$(cd "$(dirname "$0")/.." && pwd)
home=${MQLAB_HOME:-$root/.mqlab}
dir=$home/kafka
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
pidfile=$dir/kafka.pid
log=$dir/kafka.log
# what --external adopted: "pid: command line"
external=$dir/external

# A broker on this checkout's own configuration (a clone's broker runs the same class).
ours() { cmdline_of "$1" | grep -qF "kafka.Kafka $dir/server.properties"; }

running_pid() {
  local pid=""
  if [[ -f $pidfile ]]; then pid=$(cat "$pidfile"); fi
  # pids get reused: trust the file only while that process is our broker
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && ours "$pid"; then
    echo "$pid"
    return 0
  fi
  # a lost pid file: the broker on the port is still ours if it runs on our configuration
  pid=$(pid_on_port "$port")
  if [[ -n $pid ]] && ours "$pid"; then
    echo "$pid" >"$pidfile"
    echo "$pid"
    return 0
  fi
  return 1
}

# "pid N: command line" of whatever listens on the port, or a hint when ss cannot tell.
listener() {
  local pid
  pid=$(pid_on_port "$port")
  if [[ -n $pid ]]; then
    say "pid $pid: $(shown_cmdline_of "$pid")"
  else
    say "a process ss does not show (as root: ss -ltnp 'sport = :$port')"
  fi
}

# How to stop it: another checkout's broker stops with that checkout's ./mqlab down.
stop_hint() {
  local pid=$1 config
  config=$(cmdline_of "$pid" | grep -o '[^ ]*/\.mqlab/kafka/server\.properties' || true)
  if [[ -n $config ]]; then
    say "(cd ${config%/.mqlab/kafka/server.properties} && ./mqlab down), or kill $pid"
  else
    say "kill $pid"
  fi
}

refuse_foreign() {
  local pid
  pid=$(pid_on_port "$port")
  say "kafka: 127.0.0.1:$port is taken by a process this checkout did not start:" >&2
  say "  $(listener)" >&2
  say "  Its data and offsets are not this checkout's, so it is not used silently." >&2
  if [[ -n $pid ]]; then
    say "  Stop it: $(stop_hint "$pid")" >&2
  fi
  say "  Or use it on purpose: ${KAFKA_EXTERNAL_HINT:-./mqlab up kafka --external-kafka (./mqlab status then shows it)}" >&2
  return 1
}

fetch_jars() {
  if [[ -f $dir/libs/.complete ]]; then return; fi
  echo "kafka: fetching broker jars from Maven Central (first run only)"
  rm -rf "$dir/libs"
  "$root/mvnw" -q -B -f "$root/infra/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$dir/libs" -DincludeScope=runtime
  touch "$dir/libs/.complete"
}

configure() {
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=8
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  cat >"$dir/log4j2.properties" <<'PROPS'
status = warn
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
logger.kafka.name = kafka
logger.kafka.level = warn
logger.apache.name = org.apache.kafka
logger.apache.level = warn
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = info
PROPS
  if [[ ! -f $dir/data/meta.properties ]]; then
    local id
    id=$(java -cp "$dir/libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java -Dlog4j2.configurationFile="$dir/log4j2.properties" -cp "$dir/libs/*" kafka.tools.StorageTool \
      format -t "$id" -c "$dir/server.properties" >/dev/null
  fi
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
    say "kafka: using the external broker on 127.0.0.1:$port ($(cat "$external"))"
    return 0
  fi
  rm -f "$external"
  mkdir -p "$dir"
  fetch_jars
  configure
  # keep the previous run's log: it may hold why that broker died
  if [[ -f $log ]]; then mv -f "$log" "$log.1"; fi
  nohup java -Xms256m -Xmx"${KAFKA_HEAP:-1g}" -Dlog4j2.configurationFile="$dir/log4j2.properties" \
    -cp "$dir/libs/*" kafka.Kafka "$dir/server.properties" >"$log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if port_open "$port" && grep -q "Kafka Server started" "$log"; then
      echo "kafka: started (pid $(cat "$pidfile")) on 127.0.0.1:$port, log $log"
      return 0
    fi
    if ! running_pid >/dev/null; then
      echo "kafka: failed to start, last lines of $log:" >&2
      tail -n 30 "$log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "kafka: not ready after 60 s, see $log" >&2
  return 1
}

stop() {
  local pid
  if [[ -f $external ]]; then
    # not ours to stop; forget it so the next start asks again
    rm -f "$external"
    say "kafka: no longer using the external broker on 127.0.0.1:$port (left running)"
  fi
  if ! pid=$(running_pid); then
    rm -f "$pidfile"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 60); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile"
      echo "kafka: stopped"
      return 0
    fi
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  echo "kafka: killed after 30 s"
}

status() {
  local pid
  if pid=$(running_pid); then
    echo "kafka: running (pid $pid) on 127.0.0.1:$port, data in $dir/data"
  elif [[ -f $external ]] && port_open "$port"; then
    echo "kafka: EXTERNAL broker on 127.0.0.1:$port, not started by this checkout (--external-kafka): $(cat "$external")"
  elif port_open "$port"; then
    echo "kafka: not this checkout's broker on 127.0.0.1:$port, unused: $(listener)"
  else
    echo "kafka: not running"
    return 3
  fi
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  status) status ;;
  restart) stop && start ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
