#!/bin/sh
# Runs once, when the postgres container creates its database cluster: makes PostgreSQL read
# deploy/postgresql.conf.d/ (mounted at /etc/postgresql/conf.d) on every start after.
set -eu
echo "include_dir = '/etc/postgresql/conf.d'" >> "$PGDATA/postgresql.conf"
