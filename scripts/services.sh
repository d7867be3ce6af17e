#!/usr/bin/env bash
# Makes sure the machine's own services run on loopback: PostgreSQL 5432, Redis 6379,
# RabbitMQ 5672, Mosquitto 1883. Installs them from Debian packages when missing (root),
# starts the ones that are down, and waits until they answer. Kafka is separate
# (scripts/kafka.sh), since it is not a Debian package.
#   scripts/services.sh start | status
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local name=$1 port=$2
  for _ in $(seq 1 120); do
    if port_open "$port"; then return 0; fi
    sleep 0.5
  done
  echo "$name did not open 127.0.0.1:$port within 60 s" >&2
  return 1
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# A fresh Debian PostgreSQL asks for passwords on 127.0.0.1; the local defaults (and CI) log
# in as postgres without one, as on the machines this project runs on.
trust_loopback() {
  local hba
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
      as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    fi
  done
}

install_missing() {
  local missing=()
  command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)
  command -v mosquitto >/dev/null || missing+=(mosquitto)
  # parses docker-compose.yml in the tests, where no Docker engine runs
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  if ((${#missing[@]})); then
    echo "services: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    if [[ " ${missing[*]} " == *" postgresql "* ]]; then
      trust_loopback
    fi
  fi
}

start_postgres() {
  if port_open 5432; then return; fi
  echo "services: starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  wait_port PostgreSQL 5432
}

# The tests' database, one per service, and one for the PostgreSQL queue backend.
ensure_databases() {
  local db
  for db in test orders_legacy orders_new reconciliation mqlab; do
    if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
      psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $db"
      echo "services: created database $db"
    fi
  done
}

start_redis() {
  if port_open 6379; then return; fi
  echo "services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port Redis 6379
}

start_rabbitmq() {
  if port_open 5672; then return; fi
  echo "services: starting RabbitMQ"
  as_root rabbitmq-server -detached
  wait_port RabbitMQ 5672
}

start_mosquitto() {
  if port_open 1883; then return; fi
  echo "services: starting Mosquitto"
  as_root mosquitto -d -c /etc/mosquitto/mosquitto.conf
  wait_port Mosquitto 1883
}

status() {
  local code=0
  for service in PostgreSQL:5432 Redis:6379 RabbitMQ:5672 Mosquitto:1883 Kafka:9092; do
    if port_open "${service#*:}"; then
      echo "${service%:*}: up on 127.0.0.1:${service#*:}"
    else
      echo "${service%:*}: down"
      code=3
    fi
  done
  return $code
}

case "${1:-}" in
  start)
    install_missing
    start_postgres
    ensure_databases
    start_redis
    start_rabbitmq
    start_mosquitto
    echo "services: PostgreSQL, Redis, RabbitMQ and Mosquitto are up"
    ;;
  status) status ;;
  *) echo "usage: $0 start|status" >&2; exit 2 ;;
esac
