#!/bin/sh
# Prints the SIDEWISE_TEST_POSTGRES_URL of this machine's PostgreSQL on 127.0.0.1:5432, after
# starting an installed cluster that is down (root only). Prints nothing, and says why on
# stderr, when there is none to use: the PostgreSQL tests then report themselves skipped.
# Each test session creates and drops its own database next to `postgres`.
url=postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
say() { echo "PostgreSQL tests: $*" >&2; }

if ! command -v pg_isready >/dev/null 2>&1; then
    say "skipped (PostgreSQL is not installed: apt-get install postgresql)"
    exit 0
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$version" ] || [ "$(id -u)" != 0 ]; then
        say "skipped (nothing answers on 127.0.0.1:5432)"
        exit 0
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2
    for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! psql -h 127.0.0.1 -U postgres -d postgres -w -Atc "SELECT 1" >/dev/null 2>&1; then
    say "skipped (127.0.0.1:5432 refuses user postgres without a password; set SIDEWISE_TEST_POSTGRES_URL)"
    exit 0
fi
echo "$url"
