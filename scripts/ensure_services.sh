#!/usr/bin/env bash
# Make sure the database servers the integration tests use are installed, running and set
# up, on this machine, at their default local addresses:
#   PostgreSQL 127.0.0.1:5432  trust auth over TCP for role "postgres", database "test"
#   MariaDB    127.0.0.1:3306  root with an empty password over TCP, database "test"
#   Redis      127.0.0.1:6379  (cache tests)
# The tests never mock or skip a server, so `make test` runs this first. It is idempotent
# and prints nothing when all is already fine; it says what it does otherwise, and stops
# with one clear error line when it cannot fix something. Debian/Ubuntu only (apt-get).
# These settings are for a disposable test machine: never run this on a production host.
set -euo pipefail

HOST=127.0.0.1
# Ports and role can be overridden (e.g. to try the script beside servers already running).
PG_PORT=${STOCKLENS_PG_PORT:-5432}
PG_ROLE=${STOCKLENS_PG_ROLE:-postgres}
MARIADB_PORT=${STOCKLENS_MARIADB_PORT:-3306}
REDIS_PORT=${STOCKLENS_REDIS_PORT:-6379}
WAIT_S=${STOCKLENS_SERVICE_WAIT_S:-60}  # how long a started server may take to answer
LOG_DIR=${TMPDIR:-/tmp}

say() { echo "ensure_services: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# Installing packages, editing server config and starting system daemons need root:
# run directly when we are root (containers, CI), else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root or sudo to run: $*"
  fi
}

# True when something accepts TCP connections on HOST:$1 (bash's /dev/tcp: no tools needed,
# so this works before any client is installed).
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") >/dev/null 2>&1; }

# Run "$@" until it succeeds, for at most WAIT_S seconds; else fail naming the service.
wait_for() {
  local label=$1 hint=$2
  shift 2
  local deadline=$((SECONDS + WAIT_S))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      die "$label did not answer within ${WAIT_S} s ($hint)"
    fi
    sleep 1
  done
}

pick() { # the first of the given commands that exists
  local c
  for c in "$@"; do
    if command -v "$c" >/dev/null 2>&1; then echo "$c"; return 0; fi
  done
  return 1
}

# --- 1. install what is missing, in one apt-get run ----------------------------------------
# A server package only when nothing listens on its port (a server may also come from
# elsewhere, e.g. a container publishing the port); the client tools whenever they are
# missing, since the checks below use them.
packages=()
if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null && ! port_open "$PG_PORT"; then
  packages+=(postgresql)
fi
command -v psql >/dev/null 2>&1 && command -v pg_isready >/dev/null 2>&1 \
  || packages+=(postgresql-client)
if [ ! -x /usr/sbin/mariadbd ] && [ ! -x /usr/sbin/mysqld ] && ! port_open "$MARIADB_PORT"; then
  packages+=(mariadb-server)
fi
pick mariadb mysql >/dev/null || packages+=(mariadb-client)
if ! command -v redis-server >/dev/null 2>&1 && ! port_open "$REDIS_PORT"; then
  packages+=(redis-server)
fi
command -v redis-cli >/dev/null 2>&1 || packages+=(redis-tools)

if [ ${#packages[@]} -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "missing ${packages[*]} and no apt-get to install them"
  say "installing ${packages[*]} (Debian packages) for the integration tests"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  # In containers the packages' own start scripts are often blocked (policy-rc.d): fine,
  # the servers are started below.
  as_root apt-get install -y -qq "${packages[@]}" >/dev/null
fi

MYSQL=$(pick mariadb mysql)
MYSQLADMIN=$(pick mariadb-admin mysqladmin)

# --- 2. PostgreSQL ----------------------------------------------------------------------
pg_version() { # the newest cluster configured, else the newest server installed
  local v
  v=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$v" ] || v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
  echo "$v"
}

if ! pg_isready -h "$HOST" -p "$PG_PORT" -q; then
  version=$(pg_version)
  [ -n "$version" ] || die "PostgreSQL is not installed and nothing answers on $HOST:$PG_PORT"
  if [ ! -d "/etc/postgresql/$version/main" ]; then
    # Installed without a cluster (or it was dropped): create Debian's default "main".
    say "creating PostgreSQL $version cluster main"
    as_root pg_createcluster "$version" main >/dev/null
  fi
  say "starting PostgreSQL $version"
  # --skip-systemctl-redirect: start the cluster directly, also where systemd is not PID 1.
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start \
    || say "pg_ctlcluster start failed; waiting in case the server is starting anyway"
  wait_for "PostgreSQL at $HOST:$PG_PORT" "see /var/log/postgresql/" \
    pg_isready -h "$HOST" -p "$PG_PORT" -q
fi

pg() { psql -h "$HOST" -p "$PG_PORT" -U "$PG_ROLE" -d postgres -w -X -q -tA "$@"; }

if ! pg -c 'SELECT 1' >/dev/null 2>&1; then
  # Debian's default pg_hba.conf asks for a password over TCP; the tests connect without
  # one. pg_hba.conf is read top-down and the first matching line wins, so trust lines for
  # the loopback addresses go first.
  version=$(pg_version)
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  as_root test -f "$hba" || die "PostgreSQL on $HOST:$PG_PORT refuses role $PG_ROLE and \
$hba does not exist to fix it"
  if ! as_root grep -qE '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    say "allowing trust authentication from 127.0.0.1 in $hba"
    as_root sed -i '1i # Added by StockLens scripts/ensure_services.sh: tests connect without a password.\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  wait_for "PostgreSQL (role $PG_ROLE, trust auth)" "check $hba" pg -c 'SELECT 1'
fi

if [ "$(pg -c "SELECT 1 FROM pg_database WHERE datname = 'test'")" != "1" ]; then
  say "creating PostgreSQL database test"
  pg -c 'CREATE DATABASE test'
fi

# --- 3. MariaDB ---------------------------------------------------------------------------
mariadb_tcp() { "$MYSQL" -h "$HOST" -P "$MARIADB_PORT" -uroot --connect-timeout=5 "$@"; }

if ! "$MYSQLADMIN" -h "$HOST" -P "$MARIADB_PORT" --connect-timeout=5 ping >/dev/null 2>&1; then
  daemon=$(pick /usr/sbin/mariadbd /usr/sbin/mysqld) \
    || die "MariaDB is not installed and nothing answers on $HOST:$MARIADB_PORT"
  # /run is a tmpfs in containers: the socket/pid directory must be recreated after a reboot.
  as_root install -d -o mysql -g mysql -m 755 /run/mysqld
  if [ ! -d /var/lib/mysql/mysql ]; then
    # No system tables (the package's own initialisation did not run or was removed).
    say "initialising the MariaDB data directory"
    as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  fi
  say "starting MariaDB"
  # Started directly (no systemd in containers); --user: mariadbd refuses to run as root.
  as_root start-stop-daemon --start --oknodo --background \
    --output "$LOG_DIR/stocklens-mariadbd.log" --exec "$daemon" -- --user=mysql
  wait_for "MariaDB at $HOST:$MARIADB_PORT" "see $LOG_DIR/stocklens-mariadbd.log" \
    "$MYSQLADMIN" -h "$HOST" -P "$MARIADB_PORT" --connect-timeout=5 ping
fi

if ! mariadb_tcp -e 'SELECT 1' >/dev/null 2>&1; then
  # A fresh Debian install lets root in only through the Unix socket (as OS root). Over
  # that socket, give root an empty password for TCP connections from 127.0.0.1; where the
  # server resolves 127.0.0.1 to "localhost", root@localhost needs it too (socket auth kept).
  say "allowing MariaDB root with an empty password over TCP"
  as_root "$MYSQL" -uroot -e "
    CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    FLUSH PRIVILEGES;" || die "cannot reach MariaDB as root through its Unix socket"
  if ! mariadb_tcp -e 'SELECT 1' >/dev/null 2>&1; then
    as_root "$MYSQL" -uroot -e "
      ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket
        OR mysql_native_password USING PASSWORD('');
      FLUSH PRIVILEGES;"
  fi
  mariadb_tcp -e 'SELECT 1' >/dev/null 2>&1 \
    || die "MariaDB still refuses root with an empty password on $HOST:$MARIADB_PORT"
fi

if [ -z "$(mariadb_tcp -N -e "SHOW DATABASES LIKE 'test'")" ]; then
  say "creating MariaDB database test"
  mariadb_tcp -e 'CREATE DATABASE IF NOT EXISTS test CHARACTER SET utf8mb4'
fi

# --- 4. Redis -------------------------------------------------------------------------------
redis_ping() { [ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

if ! redis_ping; then
  command -v redis-server >/dev/null 2>&1 \
    || die "Redis is not installed and nothing answers on $HOST:$REDIS_PORT"
  say "starting Redis"
  # A throwaway cache: no persistence; "-::1" binds IPv6 loopback only where it exists.
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
    --save "" --appendonly no --logfile "$LOG_DIR/stocklens-redis.log" \
    --pidfile "$LOG_DIR/stocklens-redis-$REDIS_PORT.pid" >/dev/null
  wait_for "Redis at $HOST:$REDIS_PORT" "see $LOG_DIR/stocklens-redis.log" redis_ping
fi
