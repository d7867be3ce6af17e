#!/usr/bin/env bash
# Installs the Debian packages the project needs and lets PostgreSQL trust loopback logins.
# Quiet on purpose: one line per thing it changes, apt's own output only in the log, and
# nothing at all when everything is already there (./mqlab up and ./mqlab test call it).
#   scripts/setup.sh
# Environment: MQLAB_HOME (<repo>/.mqlab); the log is $MQLAB_HOME/logs/setup.log.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
home=${MQLAB_HOME:-$root/.mqlab}
log=$home/logs/setup.log

# What each package is for; apt does not start the servers (scripts/services.sh does).
packages=(
  postgresql      # the services' databases, the postgres backend
  redis-server    # the redis backend, the recommendations' aggregates
  rabbitmq-server # the rabbitmq backend
  mosquitto       # MQTT (iot)
  mariadb-server  # the CDC replica (cdc)
  docker-compose  # the tests parse docker-compose.yml with it (no Docker engine needed)
  chromium        # the browser tests, headless (never a downloaded browser)
  chromium-driver # /usr/bin/chromedriver for Selenium
)

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

installed() { [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]; }

# Runs a command with its output in the log; on failure says what failed and shows the log's end.
logged() {
  local what=$1
  shift
  local code=0
  {
    printf '\n$ %s\n' "$*"
    "$@"
  } >>"$log" 2>&1 || code=$?
  if ((code)); then
    say "setup: $what failed (exit $code); last lines of $log:" >&2
    tail -n 15 "$log" | sed 's/^/  /' >&2
    exit 1
  fi
}

apt_get() {
  # waits for another apt run (another checkout's setup) instead of failing on its lock
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -y -q "$@"
}

install_missing() {
  local missing=() package
  for package in "${packages[@]}"; do
    installed "$package" || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  mkdir -p "$(dirname "$log")"
  : >"$log"
  say "setup: installing ${missing[*]} from Debian's packages (log: $log)"
  # the package lists of a fresh machine may be missing or stale
  logged "apt-get update" apt_get update
  for package in "${missing[@]}"; do
    logged "installing $package" apt_get install --no-install-recommends "$package"
    say "setup: installed $package"
  done
}

# A fresh Debian PostgreSQL asks for passwords on 127.0.0.1; the services (and CI) log in as
# postgres without one, as on the machines this project runs on.
trust_loopback() {
  local hba cluster
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    [[ -f $hba ]] || continue
    grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba" && continue
    mkdir -p "$(dirname "$log")"
    logged "editing $hba" as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    cluster=$(basename "$(dirname "$(dirname "$hba")")")
    # a running server reads pg_hba.conf again on reload; a stopped one reads it when it starts
    if as_root pg_ctlcluster --skip-systemctl-redirect "$cluster" main status >/dev/null 2>&1; then
      logged "reloading PostgreSQL $cluster" as_root pg_ctlcluster --skip-systemctl-redirect "$cluster" main reload
    fi
    say "setup: PostgreSQL $cluster trusts logins from 127.0.0.1 and ::1 (edited $hba)"
  done
}

install_missing
trust_loopback
