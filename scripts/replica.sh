# shellcheck shell=bash
# The local streaming replica that `./oviya deps` makes: a second Debian PostgreSQL cluster on
# DB_REPLICA_PORT (default 5433), copied from the primary on DB_PORT with `pg_basebackup -R` and
# kept up to date by streaming replication. chat-service sends its lag-tolerant reads there.
# Sourced by ./oviya after its PostgreSQL helpers (pg_super, pg_app, pg_start_cluster, ...).
#
# Environment: DB_REPLICA_PORT (5433); OVIYA_REPLICA=0 makes no replica (everything reads from
# the primary); DB_REPLICA_HOST with a non-local DB_HOST: a replica you run yourself.

DB_REPLICA_PORT=${DB_REPLICA_PORT:-5433}
DB_REPLICA_HOST=${DB_REPLICA_HOST:-}
REPLICATION_USER=oviya_replicator
# In the replica's config folder: "<version> <cluster> <port>" of the primary it copies. Only a
# cluster carrying this file is ever restarted, rebuilt or dropped by ./oviya.
REPLICA_MARKER=oviya-replica-of
# The chat test database: its tests pause and resume WAL replay on the replica to simulate lag.
REPLICA_TEST_DATABASE=oviya_chat_test

replica_name() { printf '%s_replica\n' "$PG_CLUSTER"; }

# psql as superuser / as the app role on the replica (same helpers, other port).
replica_super() { DB_PORT=$DB_REPLICA_PORT pg_super "$@"; }
replica_app() { DB_PORT=$DB_REPLICA_PORT pg_app "$@"; }
replica_ready() { pg_isready -q -h 127.0.0.1 -p "$DB_REPLICA_PORT" -t 2 >/dev/null 2>&1; }

# "<version> <cluster> <status>" of the Debian cluster on DB_REPLICA_PORT, nothing if none.
replica_cluster_on_port() { DB_PORT=$DB_REPLICA_PORT pg_cluster_on_port; }

replica_is_ours() { # VERSION NAME
  [[ "$(cat "/etc/postgresql/$1/$2/$REPLICA_MARKER" 2>/dev/null)" == "$PG_VERSION $PG_CLUSTER $DB_PORT" ]]
}

# Does the replica stream from the primary? Waits up to $1 seconds.
replica_streaming() {
  local i state
  for ((i = 0; i < $1; i++)); do
    if replica_ready; then
      # pg_stat_wal_receiver's status needs a superuser; without one "in recovery" has to do.
      state="$(replica_super -d postgres -tA -c 'SELECT status FROM pg_stat_wal_receiver' 2>/dev/null)" ||
        state="$(replica_app -d postgres -tA -c "SELECT CASE WHEN pg_is_in_recovery() THEN 'streaming' END" 2>/dev/null)" || true
      [[ $state == streaming ]] && return 0
    fi
    sleep 1
  done
  return 1
}

# A test that died while replay was paused must not leave the replica frozen.
replica_resume_replay() {
  replica_super -d postgres -tA \
    -c "SELECT pg_wal_replay_resume() WHERE pg_get_wal_replay_pause_state() <> 'not paused'" >/dev/null 2>&1 || true
}

# The replication role, its pg_hba line and the WAL settings streaming needs, on the primary.
# The role's password is new on every (re)build and lives only in the replica's
# postgresql.auto.conf (written by pg_basebackup -R): nothing to keep in the checkout.
prepare_primary_for_replication() { # PASSWORD
  local hba restart=0
  pg_super -d postgres -v role="$REPLICATION_USER" -v pw="$1" <<'SQL' || die "creating the replication role failed"
SELECT format('CREATE ROLE %I LOGIN REPLICATION', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN REPLICATION NOSUPERUSER PASSWORD %L', :'role', :'pw') \gexec
SQL
  hba="$(pg_super -tA -c 'SHOW hba_file')"
  if ! grep -q '^# oviya replica' "$hba"; then
    say "adding replication login for role $REPLICATION_USER over loopback to $hba"
    {
      printf '# oviya replica: streaming replication to the local replica (added by ./oviya deps)\n'
      printf 'host replication %s 127.0.0.1/32 scram-sha-256\n' "$REPLICATION_USER"
      cat "$hba"
    } >"$hba.oviya-new"
    chown --reference="$hba" "$hba.oviya-new"
    chmod --reference="$hba" "$hba.oviya-new"
    mv "$hba.oviya-new" "$hba"
  fi
  pg_super -tA -c 'SELECT pg_reload_conf()' >/dev/null
  if [[ "$(pg_super -tA -c 'SHOW wal_level')" == minimal ]]; then
    pg_super -c 'ALTER SYSTEM SET wal_level = replica' >/dev/null
    restart=1
  fi
  if (("$(pg_super -tA -c 'SHOW max_wal_senders')" < 3)); then
    pg_super -c 'ALTER SYSTEM SET max_wal_senders = 10' >/dev/null
    restart=1
  fi
  if ((restart)); then
    warn "restarting PostgreSQL $PG_VERSION/$PG_CLUSTER: streaming replication needs wal_level=replica and max_wal_senders>=3"
    (cd / && pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" restart) ||
      die "could not restart PostgreSQL $PG_VERSION/$PG_CLUSTER"
    pg_ready || sleep 3
  fi
}

create_replica() { # NAME
  local name=$1 ver=$PG_VERSION conf data hba ident pw setting
  need_root "Creating the local streaming replica"
  conf="/etc/postgresql/$ver/$name"
  pw="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  prepare_primary_for_replication "$pw"
  say "creating the streaming replica $ver/$name on port $DB_REPLICA_PORT (pg_basebackup of $ver/$PG_CLUSTER)"
  pg_createcluster "$ver" "$name" --port "$DB_REPLICA_PORT" >>"$OVIYA_APT_LOG" 2>&1 ||
    die "pg_createcluster $ver $name failed (log: $OVIYA_APT_LOG)"
  printf '%s %s %s\n' "$ver" "$PG_CLUSTER" "$DB_PORT" >"$conf/$REPLICA_MARKER"
  data="$(pg_lsclusters -h | awk -v v="$ver" -v n="$name" '$1 == v && $2 == n {print $6}')"
  [[ -n $data && -d $data ]] || die "cluster $ver/$name has no data folder"
  # Authenticate like the primary; a hot standby needs these limits at least as high as its primary's.
  hba="$(pg_super -tA -c 'SHOW hba_file')"
  ident="$(pg_super -tA -c 'SHOW ident_file')"
  install -o postgres -g postgres -m 640 "$hba" "$conf/pg_hba.conf"
  install -o postgres -g postgres -m 640 "$ident" "$conf/pg_ident.conf"
  mkdir -p "$conf/conf.d"
  {
    printf '# oviya replica of %s/%s (port %s), written by ./oviya deps\n' "$ver" "$PG_CLUSTER" "$DB_PORT"
    for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
      printf '%s = %s\n' "$setting" "$(pg_super -tA -c "SHOW $setting")"
    done
    printf 'hot_standby = on\nport = %s\n' "$DB_REPLICA_PORT"
  } >"$conf/conf.d/zz-oviya-replica.conf"
  chown postgres:postgres "$conf/conf.d/zz-oviya-replica.conf"
  find "$data" -mindepth 1 -delete
  (cd / && runuser -u postgres -- env PGPASSWORD="$pw" pg_basebackup -h 127.0.0.1 -p "$DB_PORT" \
    -U "$REPLICATION_USER" -D "$data" -R -X stream -c fast -w) >>"$OVIYA_APT_LOG" 2>&1 ||
    die "pg_basebackup from port $DB_PORT failed (log: $OVIYA_APT_LOG; pg_dropcluster $ver $name cleans up)"
  pg_start_cluster "$ver" "$name"
}

drop_replica() { # VERSION NAME
  replica_is_ours "$1" "$2" || die "refusing to drop $1/$2: it is not the oviya replica of $PG_VERSION/$PG_CLUSTER"
  need_root "Rebuilding the local streaming replica"
  (cd / && pg_dropcluster "$1" "$2" --stop) >>"$OVIYA_APT_LOG" 2>&1 || die "pg_dropcluster $1 $2 failed"
  # pg_dropcluster leaves the files it did not create (the marker, our conf.d file) behind.
  rm -rf "/etc/postgresql/$1/$2"
}

# Makes (or checks, starts, repairs) the local replica and sets DB_REPLICA_HOST/PORT for the
# services; leaves DB_REPLICA_HOST empty when there is none (chat-service then reads from the primary).
ensure_replica() {
  local line ver name status other
  if [[ ${OVIYA_REPLICA:-1} == 0 ]]; then
    DB_REPLICA_HOST=''
    ok "replica: none (OVIYA_REPLICA=0): chat-service reads from the primary"
    return 0
  fi
  if ! is_local_host "$DB_HOST"; then
    if [[ -n $DB_REPLICA_HOST ]]; then
      ok "replica: $DB_REPLICA_HOST:$DB_REPLICA_PORT (DB_REPLICA_HOST; not managed by ./oviya)"
    else
      warn "DB_HOST=$DB_HOST is not local: no local replica (set DB_REPLICA_HOST to use one)"
    fi
    return 0
  fi
  if [[ -z $PG_CLUSTER ]]; then
    DB_REPLICA_HOST=''
    warn "the PostgreSQL on port $DB_PORT is not a Debian cluster: no local replica, chat-service reads from the primary"
    return 0
  fi
  [[ $DB_REPLICA_PORT != "$DB_PORT" ]] || die "DB_REPLICA_PORT must differ from DB_PORT ($DB_PORT)"
  name="$(replica_name)"
  line="$(replica_cluster_on_port)"
  if ! is_root && ! replica_streaming 1; then
    # Making or starting it needs root; everything still works against the primary alone.
    DB_REPLICA_HOST=''
    warn "no local replica on port $DB_REPLICA_PORT (making or starting it needs root: sudo ./oviya deps): chat-service reads from the primary, and its replica tests fail"
    return 0
  fi
  if [[ -n $line ]]; then
    read -r ver name status <<<"$line"
    replica_is_ours "$ver" "$name" ||
      die "port $DB_REPLICA_PORT is PostgreSQL cluster $ver/$name, which is not the oviya replica of $PG_VERSION/$PG_CLUSTER: set DB_REPLICA_PORT to a free port"
    [[ $status == online* ]] || pg_start_cluster "$ver" "$name" # "online,recovery" when it runs
    if replica_streaming 30; then
      replica_resume_replay
    else
      warn "replica $ver/$name does not stream from $PG_VERSION/$PG_CLUSTER (the WAL it needs may be gone): making it again"
      drop_replica "$ver" "$name"
      create_replica "$name"
    fi
  else
    port_in_use "$DB_REPLICA_PORT" && die "port $DB_REPLICA_PORT (DB_REPLICA_PORT) is used by another process: set DB_REPLICA_PORT to a free port"
    other="$(pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v n="$name" '$1 == v && $2 == n {print $3}')"
    [[ -z $other ]] || die "cluster $PG_VERSION/$name already exists on port $other: use DB_REPLICA_PORT=$other, or drop it (pg_dropcluster $PG_VERSION $name --stop)"
    create_replica "$name"
  fi
  replica_streaming 60 || die "the replica on port $DB_REPLICA_PORT does not stream from port $DB_PORT (see /var/log/postgresql/postgresql-$PG_VERSION-$name.log)"
  # Lets the chat tests pause replay on the replica (granted on the primary, replicated).
  if pg_super -d "$REPLICA_TEST_DATABASE" -tA -c 'SELECT 1' >/dev/null 2>&1; then
    pg_super -d "$REPLICA_TEST_DATABASE" -c "GRANT EXECUTE ON FUNCTION pg_wal_replay_pause(), pg_wal_replay_resume(),
      pg_get_wal_replay_pause_state() TO $DB_USER" >/dev/null || warn "could not let $DB_USER pause replay in $REPLICA_TEST_DATABASE"
  fi
  DB_REPLICA_HOST=localhost
  ok "replica: PostgreSQL $PG_VERSION/$name streams from port $DB_PORT on port $DB_REPLICA_PORT"
}

# One line for ./oviya status.
replica_status_line() {
  local state
  if ! replica_ready; then
    printf 'Replica     127.0.0.1:%s  not running (chat-service reads from the primary)\n' "$DB_REPLICA_PORT"
    return 0
  fi
  case "$(replica_app -d postgres -tA -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" in
    t) state="streaming replica (last replayed transaction: $(replica_app -d postgres -tA -c \
      "SELECT coalesce(round(extract(epoch FROM now() - pg_last_xact_replay_timestamp()))::text || ' s ago', 'none yet')" 2>/dev/null))" ;;
    f) state="answers, but is NOT in recovery (not a replica)" ;;
    *) state="answers, but not to role $DB_USER" ;;
  esac
  printf 'Replica     127.0.0.1:%s  %s\n' "$DB_REPLICA_PORT" "$state"
}
