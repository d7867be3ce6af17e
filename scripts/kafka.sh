#!/usr/bin/env bash
# A standalone Kafka 4.2.1 broker in KRaft mode (broker + controller in one process) on
# 127.0.0.1:9092, run from Maven Central jars: no Docker, no Kafka install.
#   scripts/kafka.sh start | stop | status | restart
# Idempotent: start does nothing when it already runs, stop when it does not.
# Environment: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), MQLAB_HOME (<repo>/.mqlab).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
home=${MQLAB_HOME:-$root/.mqlab}
dir=$home/kafka
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
pidfile=$dir/kafka.pid
log=$dir/kafka.log

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running_pid() {
  if [[ -f $pidfile ]]; then
    local pid
    pid=$(cat "$pidfile")
    # pids get reused: trust the file only while that process is our broker
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q kafka.Kafka; then
      echo "$pid"
      return 0
    fi
  fi
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
  if pid=$(running_pid); then
    echo "kafka: already running (pid $pid) on 127.0.0.1:$port"
    return 0
  fi
  if port_open "$port"; then
    echo "kafka: something else already listens on 127.0.0.1:$port; using it"
    return 0
  fi
  mkdir -p "$dir"
  fetch_jars
  configure
  nohup java -Xms256m -Xmx${KAFKA_HEAP:-1g} -Dlog4j2.configurationFile="$dir/log4j2.properties" \
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
  if ! pid=$(running_pid); then
    echo "kafka: not running"
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
  if pid=$(running_pid); then
    echo "kafka: running (pid $pid) on 127.0.0.1:$port"
  elif port_open "$port"; then
    echo "kafka: a broker not started by mqlab listens on 127.0.0.1:$port"
  else
    echo "kafka: not running"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop && start ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
