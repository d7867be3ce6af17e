#!/usr/bin/env bash
# Makes sure the machine's own servers run on loopback: PostgreSQL 5432, Redis 6379,
# RabbitMQ 5672, Mosquitto 1883, MariaDB 3306 (installed by scripts/setup.sh). Starts the
# ones that are down and waits until they answer; prints one line per server it started and
# nothing else. Kafka is separate (scripts/kafka.sh): it is not a Debian package.
#   scripts/services.sh start [SERVER...]   SERVER: postgres redis rabbitmq mosquitto mariadb (default: all)
#   scripts/services.sh stop SERVER...      stop those (./mqlab test stops what it started)
#   scripts/services.sh status
# Environment: MQLAB_STARTED_FILE: start appends the name of each server it started there.
set -euo pipefail

all="postgres redis rabbitmq mosquitto mariadb"

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

port_of() {
  case $1 in
    postgres) echo 5432 ;;
    redis) echo 6379 ;;
    rabbitmq) echo 5672 ;;
    mosquitto) echo 1883 ;;
    mariadb) echo 3306 ;;
    *) say "services: unknown server '$1': choose among: $all" >&2; exit 2 ;;
  esac
}

wait_port() {
  local name=$1 port=$2
  for _ in $(seq 1 120); do
    if port_open "$port"; then return 0; fi
    sleep 0.5
  done
  say "services: $name did not open 127.0.0.1:$port within 60 s" >&2
  return 1
}

pg_cluster() { ls /etc/postgresql | sort -V | tail -n 1; }

# The commands that start each server, as the machines of this project do (MACHINE.md).
start_postgres() { as_root pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster)" main start; }

start_redis() {
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
}

start_rabbitmq() { as_root rabbitmq-server -detached; }

# The project's broker settings (infra/mosquitto/mosquitto.conf, as docker-compose.yml uses
# them) with this machine's listener (loopback) and the Debian package's paths.
mosquitto_conf=/etc/mosquitto/mqlab.conf
mosquitto_settings() {
  sed -e 's|^listener 1883$|listener 1883 127.0.0.1|' \
    -e 's|^persistence_location .*|persistence_location /var/lib/mosquitto/|' \
    -e 's|^log_dest .*|log_dest file /var/log/mosquitto/mosquitto.log|' \
    "$(dirname "$0")/../infra/mosquitto/mosquitto.conf"
  echo "pid_file /run/mosquitto/mosquitto.pid"
}

start_mosquitto() {
  as_root install -d -o mosquitto -g mosquitto /run/mosquitto /var/lib/mosquitto /var/log/mosquitto
  mosquitto_settings | as_root tee "$mosquitto_conf.new" >/dev/null
  as_root mv "$mosquitto_conf.new" "$mosquitto_conf"
  as_root mosquitto -d -c "$mosquitto_conf"
}

# A Mosquitto started otherwise (the machine's default: 1,000 queued messages per client,
# then silent drops) or with older settings is restarted with the project's; nobody else
# uses the machine's broker. Prints a line only when it restarts it.
mosquitto_current() {
  local pid
  pid=$(pid_on_port 1883)
  [[ -n $pid && " $(cmdline_of "$pid") " == *" -c $mosquitto_conf "* ]] && cmp -s "$mosquitto_conf" <(mosquitto_settings)
}

ensure_mosquitto_settings() {
  mosquitto_current && return 0
  stop_server mosquitto >/dev/null 2>&1 || true
  for _ in $(seq 1 40); do port_open 1883 || break; sleep 0.25; done
  start_mosquitto >/dev/null 2>&1 || true
  wait_port mosquitto 1883
  say "services: restarted mosquitto with infra/mosquitto/mosquitto.conf"
}

start_mariadb() {
  # Debian's init script makes the socket folder; without systemd nobody else does
  as_root install -d -o mysql -g mysql /run/mysqld
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
}

stop_server() {
  case $1 in
    postgres) as_root pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster)" main stop ;;
    redis) redis-cli -p 6379 shutdown nosave ;;
    rabbitmq) as_root rabbitmqctl -q stop ;;
    mosquitto) as_root kill "$(pid_on_port 1883)" ;;
    mariadb) as_root start-stop-daemon --stop --oknodo --retry 30 --exec /usr/sbin/mariadbd ;;
  esac
}

# The tests' database, one per service, and one for the PostgreSQL queue backend.
ensure_databases() {
  local db created=()
  for db in test orders_legacy orders_new reconciliation mqlab; do
    if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
      psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $db"
      created+=("$db")
    fi
  done
  if ((${#created[@]})); then say "services: created PostgreSQL databases ${created[*]}"; fi
}

start() {
  local names=("$@") name port output
  ((${#names[@]})) || read -ra names <<<"$all"
  for name in "${names[@]}"; do
    port=$(port_of "$name")
    if ! port_open "$port"; then
      # the start commands chatter; show what they said only when the server does not come up
      output=$("start_$name" 2>&1) || true
      if ! wait_port "$name" "$port"; then
        [[ -z $output ]] || say "$output" | tail -n 15 >&2
        exit 1
      fi
      say "services: started $name on 127.0.0.1:$port"
      if [[ -n ${MQLAB_STARTED_FILE:-} ]]; then echo "$name" >>"$MQLAB_STARTED_FILE"; fi
    fi
    if [[ $name == postgres ]]; then ensure_databases; fi
    if [[ $name == mosquitto ]]; then ensure_mosquitto_settings; fi
  done
}

stop() {
  local name
  for name in "$@"; do
    port_of "$name" >/dev/null
    if port_open "$(port_of "$name")"; then
      stop_server "$name" >/dev/null 2>&1 || true
      say "services: stopped $name"
    fi
  done
}

status() {
  local code=0 name port
  for name in $all; do
    port=$(port_of "$name")
    if port_open "$port"; then
      say "$name: up on 127.0.0.1:$port"
    else
      say "$name: down"
      code=3
    fi
  done
  return $code
}

command=${1:-}
shift || true
case $command in
  start) start ${@+"$@"} ;;
  stop) stop ${@+"$@"} ;;
  status) status ;;
  *) say "usage: $0 start [SERVER...] | stop SERVER... | status" >&2; exit 2 ;;
esac
