#!/usr/bin/env bash
# Make the PostgreSQL server binaries (initdb, pg_ctl) available for tests/test_store_postgres.py.
# Idempotent: does nothing when they are installed. Installs the Debian package `postgresql`
# otherwise (as root, or through sudo). The tests start their own throwaway server; the
# package's own cluster is not used.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || command -v initdb > /dev/null; then
    echo "postgres-ci: PostgreSQL server binaries already installed"
    exit 0
fi
if ! command -v apt-get > /dev/null; then
    echo "postgres-ci: no apt-get here; install the PostgreSQL server (initdb, pg_ctl) yourself" >&2
    exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null
echo "postgres-ci: installed $(ls -d /usr/lib/postgresql/*/bin | tail -n 1)"
