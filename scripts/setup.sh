#!/usr/bin/env bash
# Installs the Debian packages the project needs, lets PostgreSQL trust loopback logins, and
# readies the servers for change data capture: PostgreSQL with wal_level=logical (restarted
# once, only when it is not logical yet) and a role mqlab_cdc (LOGIN REPLICATION, reads every
# table), MariaDB's root reachable on 127.0.0.1:3306 without a password. It starts PostgreSQL
# and MariaDB when they are down (scripts/services.sh, which records them for ./mqlab test).
# Quiet on purpose: one line per thing it changes, apt's own output only in the log, and
# nothing at all when everything is already there (./mqlab up and ./mqlab test call it).
#   scripts/setup.sh
# Environment: MQLAB_HOME (<repo>/.mqlab); the log is $MQLAB_HOME/logs/setup.log;
# MQLAB_STARTED_FILE (passed to scripts/services.sh).
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

psql_postgres() { psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

# Logical decoding (Debezium's pgoutput) needs wal_level=logical, read only at server start.
logical_wal() {
  local cluster
  [[ $(psql_postgres -c 'SHOW wal_level') == logical ]] && return 0
  mkdir -p "$(dirname "$log")"
  logged "setting wal_level" psql_postgres -c 'ALTER SYSTEM SET wal_level = logical'
  cluster=$(ls /etc/postgresql | sort -V | tail -n 1)
  # every database on the server goes down for the ~2 s of the restart, and comes back
  logged "restarting PostgreSQL $cluster" as_root pg_ctlcluster --skip-systemctl-redirect "$cluster" main restart
  [[ $(psql_postgres -c 'SHOW wal_level') == logical ]] || { say "setup: wal_level is still not logical" >&2; exit 1; }
  say "setup: PostgreSQL $cluster runs with wal_level=logical (restarted once)"
}

# The capture's role: replication connections, and read access for the initial snapshot.
cdc_role() {
  [[ $(psql_postgres -c "SELECT rolreplication AND rolcanlogin FROM pg_roles WHERE rolname = 'mqlab_cdc'") == t ]] &&
    [[ $(psql_postgres -c "SELECT pg_has_role('mqlab_cdc', 'pg_read_all_data', 'MEMBER')") == t ]] && return 0
  mkdir -p "$(dirname "$log")"
  logged "creating the role mqlab_cdc" psql_postgres <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mqlab_cdc') THEN
    CREATE ROLE mqlab_cdc LOGIN REPLICATION;
  END IF;
END
$$;
ALTER ROLE mqlab_cdc LOGIN REPLICATION;
GRANT pg_read_all_data TO mqlab_cdc;
SQL
  say "setup: PostgreSQL role mqlab_cdc (LOGIN REPLICATION, pg_read_all_data)"
}

mariadb_root_over_tcp() { mariadb -h 127.0.0.1 -P 3306 -u root -e 'SELECT 1' >/dev/null 2>&1; }

# Debian's MariaDB lets root in through the socket only (unix_socket): the tests and the
# services connect over TCP as root without a password, as on the machines this project runs on.
mariadb_root() {
  mariadb_root_over_tcp && return 0
  mkdir -p "$(dirname "$log")"
  logged "letting root into MariaDB over TCP" as_root mariadb -u root <<'SQL'
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  mariadb_root_over_tcp || { say "setup: MariaDB still refuses root on 127.0.0.1:3306" >&2; exit 1; }
  say "setup: MariaDB lets root in on 127.0.0.1:3306 without a password"
}

install_missing
trust_loopback
# configuring them needs them running
"$root/scripts/services.sh" start postgres mariadb
logical_wal
cdc_role
mariadb_root
