#!/usr/bin/env bash
# Run one command against a throwaway PostgreSQL 15 server on 127.0.0.1, then remove the server.
#
#   tools/with_postgres.sh CMD [ARG...]
#
# The server lives in a temporary folder (data, log and unix socket), listens on a free port on
# 127.0.0.1 only and trusts local connections, which is why it must never outlive the command.
# CMD runs with DATABASE_URL=postgres://postgres@127.0.0.1:PORT/trainer_test in its environment
# (trainer.settings.test uses it; pytest-django then creates and drops test_trainer_test).
# The server is stopped and its folder removed however CMD ends; the exit status is CMD's.
#
# Binaries: $PG_BINDIR if set, else Debian's /usr/lib/postgresql/15/bin; when they are missing and
# we are root, Debian's postgresql-15 is installed (without the main cluster Debian would start).
# Root may not run postgres, so as root the server runs as the `postgres` user.
set -euo pipefail

PG_VERSION=15
DB_NAME=trainer_test

say() { echo "with_postgres: $*" >&2; }

pg_install() {
  # No cluster on port 5432: the only server we want is the one started below.
  mkdir -p /etc/postgresql-common
  [ -e /etc/postgresql-common/createcluster.conf ] ||
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
  export DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1
  apt-get update -qq
  apt-get install -y -qq "postgresql-$PG_VERSION" >/dev/null
}

PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/$PG_VERSION/bin}
if [ ! -x "$PG_BINDIR/postgres" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "no PostgreSQL $PG_VERSION in $PG_BINDIR; install postgresql-$PG_VERSION or set PG_BINDIR" && exit 2
  fi
  say "installing postgresql-$PG_VERSION with apt-get"
  pg_install
fi
"$PG_BINDIR/postgres" --version | grep -q " $PG_VERSION\." ||
  { say "$PG_BINDIR/postgres is not PostgreSQL $PG_VERSION"; exit 2; }

[ $# -gt 0 ] || { say "usage: tools/with_postgres.sh CMD [ARG...]"; exit 2; }

if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { say "root needs a 'postgres' user to run the server as"; exit 2; }
  as_server() { (cd / && runuser -u postgres -- "$@"); }
else
  as_server() { "$@"; }
fi

PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/trainer-pg.XXXXXX")
[ "$(id -u)" -ne 0 ] || chown postgres: "$PG_DIR"
chmod 700 "$PG_DIR"

pg_ctl() { as_server "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" "$@"; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    pg_ctl stop -m fast -w -t 30 >/dev/null 2>&1 || pg_ctl stop -m immediate -w >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# UTF-8 whatever the machine's locale: names and answers are Chinese. C.UTF-8 sorts by code
# point, like SQLite; PG_TEST_LOCALE=zh_CN.UTF-8 (if the machine has it) sorts as a Chinese server would.
as_server "$PG_BINDIR/initdb" -D "$PG_DIR/data" -U postgres --auth=trust \
  --encoding=UTF8 --locale="${PG_TEST_LOCALE:-C.UTF-8}" --no-sync >"$PG_DIR/initdb.log" 2>&1 ||
  { cat "$PG_DIR/initdb.log" >&2; say "initdb failed"; exit 2; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A port found free can be taken before postgres binds it, so try a few.
started=
for _ in 1 2 3 4 5; do
  PORT=$(free_port)
  # fsync and friends off: a server that is thrown away needs no durability.
  if pg_ctl start -w -t 60 -l "$PG_DIR/server.log" -o "-c listen_addresses=127.0.0.1 -p $PORT \
      -c unix_socket_directories=$PG_DIR -c fsync=off -c synchronous_commit=off \
      -c full_page_writes=off -c max_connections=50" >/dev/null; then
    started=1
    break
  fi
done
[ -n "$started" ] || { cat "$PG_DIR/server.log" >&2; say "the server did not start"; exit 2; }

"$PG_BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB_NAME"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/$DB_NAME"
say "PostgreSQL $("$PG_BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT (data in $PG_DIR)"

set +e
"$@"
status=$?
set -e
exit "$status"
