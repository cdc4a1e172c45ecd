#!/bin/sh
# Entry point of the locally built Postgres image, compatible with the official image where the
# tests rely on it: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB / POSTGRES_HOST_AUTH_METHOD,
# init scripts in /docker-entrypoint-initdb.d, extra arguments passed to postgres, and the
# readiness line "database system is ready to accept connections" once on stdout (when the
# freshly initialised database is ready) and once on stderr (from the final server).
set -eu

bin=/usr/lib/postgresql/15/bin
PGDATA=${PGDATA:-/var/lib/postgresql/data}
user=${POSTGRES_USER:-postgres}
password=${POSTGRES_PASSWORD:-postgres}
database=${POSTGRES_DB:-$user}
auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}

as_postgres() { runuser -u postgres -- "$@"; }

mkdir -p "$PGDATA" /run/postgresql
chown -R postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile=$(mktemp)
    printf '%s\n' "$password" >"$pwfile"
    chown postgres "$pwfile"
    as_postgres "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pwfile" \
        --auth-local=trust --auth-host="$auth" >/dev/null
    rm -f "$pwfile"
    printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
    as_postgres "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    echo "database system is ready to accept connections"
    if [ "$database" != postgres ]; then
        as_postgres psql -v ON_ERROR_STOP=1 -U "$user" -d postgres \
            -c "CREATE DATABASE \"$database\"" >/dev/null
    fi
    for script in /docker-entrypoint-initdb.d/*.sql; do
        [ -f "$script" ] || continue
        as_postgres psql -v ON_ERROR_STOP=1 -U "$user" -d "$database" -f "$script" >/dev/null
    done
    as_postgres "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
fi

exec runuser -u postgres -- "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
