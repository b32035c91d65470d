#!/bin/sh
# A streaming replica of an existing PostgreSQL primary (14 or newer), in two steps:
#
#   on the primary host, as the postgres OS user:
#     REPLICATION_PASSWORD=... setup-replica.sh primary --replica-host 10.0.0.12 [--slot replica1] [--user replicator]
#   on the replica host, as the postgres OS user, into an empty data directory:
#     REPLICATION_PASSWORD=... setup-replica.sh replica --primary-host 10.0.0.11 --pgdata /var/lib/postgresql/15/main \
#         [--primary-port 5432] [--slot replica1] [--user replicator]
#
# primary: a role with REPLICATION LOGIN and a scram-sha-256 password, a pg_hba.conf line that
#   admits it for replication from the replica's address only, and a physical replication slot, so
#   the primary keeps the WAL the replica has not received (bounded by max_slot_wal_keep_size).
#   psql connects with the usual libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD; default:
#   the local socket as postgres). Running it again changes nothing but the password.
# replica: pg_basebackup -R -S <slot> -X stream: a copy of the primary that starts as a standby
#   (standby.signal, primary_conninfo and primary_slot_name in postgresql.auto.conf, mode 0600).
#   Then start the server (pg_ctlcluster 15 main start, or systemctl start postgresql@15-main).
#
# Manual pages: warm-standby (streaming replication, slots), app-pgbasebackup, auth-pg-hba-conf,
# auth-password (scram-sha-256). Runbook: docs/DATABASE_SCALING.md, "Replicas on your own servers".
# Exit: 0 done, 1 failed (the message says what), 2 bad usage.
set -eu

say() { printf 'setup-replica: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# The PostgreSQL client programs: PG_BIN, else PATH, else the newest under /usr/lib/postgresql.
pg_bin() {
    if [ -n "${PG_BIN:-}" ]; then printf '%s' "$PG_BIN"; return; fi
    if command -v pg_basebackup >/dev/null 2>&1; then dirname "$(command -v pg_basebackup)"; return; fi
    newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -n 1)
    [ -n "$newest" ] || die "no PostgreSQL client programs found: set PG_BIN or install postgresql-client"
    printf '%s' "$newest"
}

step=${1:-}
[ -n "$step" ] || usage
shift

slot=replica1
user=replicator
replica_host=""
primary_host=""
primary_port=5432
pgdata=""
while [ $# -gt 0 ]; do
    case "$1" in
        --slot) slot=${2:?--slot needs a name}; shift 2 ;;
        --user) user=${2:?--user needs a name}; shift 2 ;;
        --replica-host) replica_host=${2:?--replica-host needs an address}; shift 2 ;;
        --primary-host) primary_host=${2:?--primary-host needs an address}; shift 2 ;;
        --primary-port) primary_port=${2:?--primary-port needs a port}; shift 2 ;;
        --pgdata) pgdata=${2:?--pgdata needs a directory}; shift 2 ;;
        -h|--help) usage ;;
        *) say "unknown option: $1"; usage ;;
    esac
done

# Names go into SQL and pg_hba.conf: lower-case identifiers only, so nothing needs quoting.
case "$slot" in *[!a-z0-9_]*|"") say "--slot must be lower-case letters, digits and _"; exit 2 ;; esac
case "$user" in *[!a-z0-9_]*|"") say "--user must be lower-case letters, digits and _"; exit 2 ;; esac
[ -n "${REPLICATION_PASSWORD:-}" ] || { say "set REPLICATION_PASSWORD (the replication role's password)"; exit 2; }

BIN=$(pg_bin)

primary() {
    [ -n "$replica_host" ] || { say "primary: --replica-host is required"; exit 2; }
    case "$replica_host" in
        */*) cidr=$replica_host ;;
        *:*) cidr="$replica_host/128" ;;
        *) cidr="$replica_host/32" ;;
    esac
    case "$cidr" in *[!0-9a-fA-F.:/]*) say "--replica-host must be an IP address or CIDR, got $replica_host"; exit 2 ;; esac
    psql() { "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -At "$@"; }

    # Streaming needs these on the primary (postgresql.conf; each needs a restart).
    level=$(psql -c "SHOW wal_level")
    [ "$level" = replica ] || [ "$level" = logical ] || die "wal_level is $level: set wal_level = replica and restart"
    senders=$(psql -c "SHOW max_wal_senders")
    [ "$senders" -ge 2 ] || die "max_wal_senders is $senders: set it to at least 2 (one per replica plus pg_basebackup) and restart"

    # The password goes in on stdin (never on a command line) and is not logged: statement logging
    # is turned off for this session only (a superuser's right).
    pw=$(printf '%s' "$REPLICATION_PASSWORD" | sed "s/'/''/g")
    psql <<SQL
SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET password_encryption = 'scram-sha-256';
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$user')
            THEN 'ALTER ROLE $user WITH REPLICATION LOGIN'
            ELSE 'CREATE ROLE $user WITH REPLICATION LOGIN' END \\gexec
ALTER ROLE $user PASSWORD '$pw';
SELECT pg_create_physical_replication_slot('$slot')
 WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = '$slot');
SQL
    verifier=$(psql -c "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = '$user'")
    [ "$verifier" = 'SCRAM-SHA-256$' ] || die "the password of $user is not stored as scram-sha-256"

    # pg_hba.conf: the first matching line decides, so ours goes above every other line.
    hba=$(psql -c "SHOW hba_file")
    line="host    replication     $user    $cidr    scram-sha-256"
    if grep -Eq "^host[[:space:]]+replication[[:space:]]+$user[[:space:]]+$cidr[[:space:]]+scram-sha-256([[:space:]]|\$)" "$hba"; then
        say "pg_hba.conf already admits $user from $cidr"
    else
        [ -w "$hba" ] || die "cannot write $hba: run this step on the primary host as the postgres OS user"
        cp -p "$hba" "$hba.bak"
        { printf '# streaming replica (infrastructure/replication/setup-replica.sh)\n%s\n' "$line"; cat "$hba.bak"; } > "$hba"
        say "pg_hba.conf: added '$line' (previous file: $hba.bak)"
    fi
    psql -c "SELECT pg_reload_conf()" >/dev/null
    errors=$(psql -c "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL")
    [ "$errors" = 0 ] || die "pg_hba.conf has errors after the change (SELECT * FROM pg_hba_file_rules WHERE error IS NOT NULL); the previous file is $hba.bak"
    say "primary ready: role $user (scram-sha-256), slot $slot, pg_hba.conf admits $cidr"
}

replica() {
    [ -n "$primary_host" ] || { say "replica: --primary-host is required"; exit 2; }
    [ -n "$pgdata" ] || { say "replica: --pgdata is required"; exit 2; }
    if [ -d "$pgdata" ] && [ -n "$(ls -A "$pgdata")" ]; then
        die "$pgdata is not empty: a replica starts from a fresh copy (stop the server and move the directory away first)"
    fi
    mkdir -p "$pgdata"
    chmod 700 "$pgdata"
    # -R writes standby.signal and primary_conninfo (with this password, in postgresql.auto.conf,
    # mode 0600); -S streams from the slot made on the primary; -X stream copies the WAL written
    # during the copy; -c fast starts at once instead of waiting for the next checkpoint.
    PGPASSWORD=$REPLICATION_PASSWORD "$BIN/pg_basebackup" \
        -h "$primary_host" -p "$primary_port" -U "$user" -D "$pgdata" \
        -R -S "$slot" -X stream -c fast --no-password ||
        die "pg_basebackup from $primary_host:$primary_port failed (run the primary step first: role, pg_hba.conf line, slot)"
    grep -q "primary_slot_name = '$slot'" "$pgdata/postgresql.auto.conf" ||
        die "pg_basebackup wrote no primary_slot_name to $pgdata/postgresql.auto.conf"
    say "replica ready in $pgdata: start it (pg_ctl -D $pgdata start, or your service manager) and check"
    say "  on the primary: SELECT client_addr, state, replay_lsn FROM pg_stat_replication;"
}

case "$step" in
    primary) primary ;;
    replica) replica ;;
    *) say "unknown step: $step (primary or replica)"; usage ;;
esac
