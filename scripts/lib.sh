# shellcheck shell=bash
# Shared set-up for scripts/run and scripts/test: find Odoo 17, prepare the
# virtualenv, start the embedded PostgreSQL, write the Odoo config.
# Sourced, never executed. Every variable a user may set is listed in README.md.

set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="$REPO_DIR/.local"          # ignored by git: cluster, logs, generated config
VENV_DIR="${VENV_DIR:-$REPO_DIR/.venv}"
PYTHON="${PYTHON:-python3}"
EMBEDDED_PG_PORT="${EMBEDDED_PG_PORT:-55432}"
PG_DIR="$LOCAL_DIR/pg"
PG_SOCKET_DIR="$LOCAL_DIR/pg-socket"
PG_LOG="$LOCAL_DIR/pg.log"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 2; }

mkdir -p "$LOCAL_DIR"
chmod 755 "$LOCAL_DIR"

# --- Odoo 17 ---------------------------------------------------------------
# Odoo is not on PyPI. We take it from the Python that builds the virtualenv
# (installed there from Odoo's 17.0 source release), or from ODOO_PATH, a
# 17.0 source tree (the folder holding odoo/release.py).

odoo_version_of() {  # $1 = python; prints Odoo's major version or nothing
  "$1" - <<'PY' 2>/dev/null || true
import odoo.release
print(odoo.release.version_info[0])
PY
}

find_odoo() {
  local system_version
  system_version="$(odoo_version_of "$PYTHON")"
  if [[ "$system_version" == "17" ]]; then
    ODOO_SOURCE="system"
    return
  fi
  if [[ -n "${ODOO_PATH:-}" ]]; then
    [[ -f "$ODOO_PATH/odoo/release.py" ]] \
      || die "ODOO_PATH=$ODOO_PATH is not an Odoo source tree (no odoo/release.py in it)."
    grep -q "version_info = (17," "$ODOO_PATH/odoo/release.py" \
      || die "ODOO_PATH=$ODOO_PATH is not Odoo 17."
    ODOO_SOURCE="path"
    return
  fi
  cat >&2 <<MSG
ERROR: Odoo 17 was not found.
  '$PYTHON' cannot import odoo 17${system_version:+ (it has Odoo $system_version)}, and ODOO_PATH is not set.
  Provide it in one of two ways (README.md, "Installing Odoo 17"):
    - install Odoo's official 17.0 source release into that Python:
        pip install -r <odoo-17-source>/requirements.txt
        pip install --no-deps -e <odoo-17-source> --config-settings editable_mode=compat
    - or point ODOO_PATH at an Odoo 17 source tree:  ODOO_PATH=/path/to/odoo-17 $0
MSG
  exit 3
}

# --- virtualenv ----------------------------------------------------------------

ensure_venv() {
  find_odoo
  local stamp="$VENV_DIR/.requirements.sha256" want
  want="$(cat "$REPO_DIR/requirements.txt" | sha256sum | cut -d' ' -f1)-$ODOO_SOURCE-${ODOO_PATH:-}"
  if [[ -x "$VENV_DIR/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    VPY="$VENV_DIR/bin/python"
    ODOO_BIN="$VENV_DIR/bin/odoo"
    return
  fi
  log "preparing the virtualenv in ${VENV_DIR#"$REPO_DIR"/} (reusing the system site-packages)"
  "$PYTHON" -m venv --system-site-packages "$VENV_DIR"
  VPY="$VENV_DIR/bin/python"
  ODOO_BIN="$VENV_DIR/bin/odoo"
  if [[ "$ODOO_SOURCE" == "path" ]]; then
    "$VPY" -m pip install -q -r "$ODOO_PATH/requirements.txt"
    "$VPY" -m pip install -q --no-deps -e "$ODOO_PATH" --config-settings editable_mode=compat
  fi
  "$VPY" -m pip install -q -r "$REPO_DIR/requirements.txt"
  [[ "$(odoo_version_of "$VPY")" == "17" ]] || die "the virtualenv cannot import Odoo 17"
  # Odoo's own launcher (odoo-bin): the prefork server re-executes argv[0]
  # for its gevent process, so "python -m odoo" will not do.
  printf '#!%s\nimport odoo\nodoo.cli.main()\n' "$VPY" > "$VENV_DIR/bin/odoo"
  chmod +x "$VENV_DIR/bin/odoo"
  echo "$want" > "$stamp"
}

# --- PostgreSQL -------------------------------------------------------------------
# With PGHOST set, the configured server is used as it is (PGPORT, PGUSER,
# PGPASSWORD as libpq reads them). Otherwise a private cluster lives in
# .local/pg, listens on 127.0.0.1:$EMBEDDED_PG_PORT only, and trusts local
# connections of the role "odoo".

pg_as_owner() {  # run a PostgreSQL binary as the cluster's owner
  if [[ "$(id -u)" == "0" ]]; then
    runuser -u "$PG_OS_USER" -- "$@"
  else
    "$@"
  fi
}

ensure_postgres() {
  if [[ -n "${PGHOST:-}" ]]; then
    DB_HOST="$PGHOST"; DB_PORT="${PGPORT:-5432}"; DB_USER="${PGUSER:-odoo}"
    DB_PASSWORD="${PGPASSWORD:-}"
    EMBEDDED_PG=0
    return
  fi
  EMBEDDED_PG=1
  DB_HOST="127.0.0.1"; DB_PORT="$EMBEDDED_PG_PORT"; DB_USER="odoo"; DB_PASSWORD=""
  for bin in initdb pg_ctl postgres; do
    command -v "$bin" >/dev/null || die "'$bin' is not on PATH: install the PostgreSQL server binaries or set PGHOST."
  done
  PG_OS_USER="${PG_OS_USER:-postgres}"
  if [[ "$(id -u)" == "0" ]] && ! id "$PG_OS_USER" >/dev/null 2>&1; then
    log "creating system user $PG_OS_USER to own the embedded cluster (PostgreSQL refuses to run as root)"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER"
  fi
  mkdir -p "$PG_SOCKET_DIR"
  if [[ "$(id -u)" == "0" ]]; then
    chown "$PG_OS_USER" "$PG_SOCKET_DIR"
    pg_as_owner test -x "$LOCAL_DIR" \
      || die "user $PG_OS_USER cannot reach $LOCAL_DIR (a parent folder is not traversable); set PG_OS_USER or PGHOST."
  fi
  if [[ ! -f "$PG_DIR/PG_VERSION" ]]; then
    log "initialising the embedded PostgreSQL cluster in .local/pg"
    mkdir -p "$PG_DIR"
    [[ "$(id -u)" == "0" ]] && chown "$PG_OS_USER" "$PG_DIR"
    pg_as_owner initdb -D "$PG_DIR" -U odoo --auth=trust --encoding=UTF8 --locale=C >/dev/null
  fi
  if pg_as_owner pg_ctl -D "$PG_DIR" status >/dev/null 2>&1; then
    local running_port
    running_port="$(sed -n 4p "$PG_DIR/postmaster.pid" 2>/dev/null || true)"
    [[ -z "$running_port" || "$running_port" == "$DB_PORT" ]] \
      || die "the embedded PostgreSQL (.local/pg) already runs on port $running_port (scripts/run?): use EMBEDDED_PG_PORT=$running_port"
    return
  fi
  touch "$PG_LOG"; [[ "$(id -u)" == "0" ]] && chown "$PG_OS_USER" "$PG_LOG"
  log "starting the embedded PostgreSQL on 127.0.0.1:$DB_PORT"
  pg_as_owner pg_ctl -D "$PG_DIR" -l "$PG_LOG" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $DB_PORT -c unix_socket_directories=$PG_SOCKET_DIR -c fsync=off -c full_page_writes=off -c max_connections=100" >/dev/null \
    || { tail -20 "$PG_LOG" >&2; die "the embedded PostgreSQL did not start (log: .local/pg.log)"; }
  STARTED_PG=1
}

stop_postgres() {
  if [[ "${EMBEDDED_PG:-0}" == "1" && "${STARTED_PG:-0}" == "1" ]]; then
    log "stopping the embedded PostgreSQL"
    pg_as_owner pg_ctl -D "$PG_DIR" -m fast -w stop >/dev/null || true
  fi
}

psql_cmd() {  # psql against the configured server's maintenance database
  PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

# --- credentials key ---------------------------------------------------------------
# Credentials are encrypted with INTEGRATION_ENCRYPTION_KEY. When it is not
# given, a key is generated once into .local/encryption.key so that the local
# databases stay readable across runs.

ensure_encryption_key() {
  if [[ -z "${INTEGRATION_ENCRYPTION_KEY:-}" ]]; then
    local keyfile="$LOCAL_DIR/encryption.key"
    if [[ ! -s "$keyfile" ]]; then
      "$VPY" -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > "$keyfile"
      chmod 600 "$keyfile"
    fi
    INTEGRATION_ENCRYPTION_KEY="$(cat "$keyfile")"
  fi
}

# --- Odoo configuration ---------------------------------------------------------------

addon_names() {  # every addon of the suite, comma-separated ($1: another folder of addons)
  local names=()
  for manifest in "${1:-$REPO_DIR/addons}"/*/__manifest__.py; do
    names+=("$(basename "$(dirname "$manifest")")")
  done
  (IFS=,; echo "${names[*]}")
}

write_config() {  # $1 = path, $2 = workers; EXTRA_ADDONS_PATH: more addon folders (scripts/test)
  # queue_job runs at most this many jobs at once; keep two HTTP workers free
  # for webhooks and users (Odoo's workers = 2 per core + 1).
  local jobs="${QUEUE_JOB_CAPACITY:-$(( $2 > 4 ? $2 - 2 : 2 ))}"
  cat > "$1" <<CONF
; generated by scripts/$(basename "$0"); edit odoo.conf.example for your own servers
[options]
addons_path = $REPO_DIR/addons${EXTRA_ADDONS_PATH:+,$EXTRA_ADDONS_PATH}
data_dir = $LOCAL_DIR/data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
db_password = $DB_PASSWORD
http_interface = ${ODOO_HTTP_INTERFACE:-127.0.0.1}
http_port = ${ODOO_HTTP_PORT:-8069}
gevent_port = ${ODOO_GEVENT_PORT:-8072}
server_wide_modules = base,web,queue_job
workers = $2
max_cron_threads = 1
limit_time_cpu = 600
limit_time_real = 1200
integration_encryption_key = $INTEGRATION_ENCRYPTION_KEY

[queue_job]
channels = root:$jobs,root.integration:$jobs
CONF
  chmod 600 "$1"
}

free_port() {  # a TCP port nobody listens on, on loopback
  "$PYTHON" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}

# --- headless browser ----------------------------------------------------------------
# Odoo's tours (HttpCase.start_tour) drive a headless Chromium. Odoo would
# skip them silently without one, so we install Debian's chromium when we can
# and stop otherwise.

ensure_browser() {
  local candidate
  for candidate in chromium chromium-browser google-chrome google-chrome-stable; do
    command -v "$candidate" >/dev/null && return
  done
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
    log "installing Debian's chromium for Odoo's tours"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || die "could not install chromium (needed by the UI tours)"
    return
  fi
  die "no Chromium/Chrome on PATH: the UI tours need one (e.g. 'apt-get install chromium')."
}

# --- the suite's database ---------------------------------------------------------------
# Create $1 with every addon and demo data, or update the addons when their
# files changed since the last run (or when $3 is 1). $2 is the config file.

ensure_database() {
  local db="$1" conf="$2" force="${3:-0}" addons stamp addons_hash
  addons="$(addon_names)"
  stamp="$LOCAL_DIR/$db.addons.sha256"
  addons_hash="$(cd "$REPO_DIR" && find addons -type f -not -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
  if ! psql_cmd -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    log "creating database $db with $addons and demo data (a few minutes, once)"
    "$ODOO_BIN" -c "$conf" -d "$db" -i "$addons" --stop-after-init --workers=0 \
      --logfile="$LOCAL_DIR/odoo-init.log" || die "installation failed: see .local/odoo-init.log"
  elif [[ "$force" == "1" || ! -f "$stamp" || "$(cat "$stamp")" != "$addons_hash" ]]; then
    log "updating $addons in $db (the addons changed)"
    "$ODOO_BIN" -c "$conf" -d "$db" -i "$addons" -u "$addons" --stop-after-init --workers=0 \
      --logfile="$LOCAL_DIR/odoo-init.log" || die "update failed: see .local/odoo-init.log"
  else
    return 0
  fi
  echo "$addons_hash" > "$stamp"
}

# --- sandbox peers for the demo database ------------------------------------------------
# Each external system has a sandbox peer under tests/sandbox (a package, see
# tests/sandbox/README.md). scripts/run starts those the demo backends point
# at, on loopback ports: the peer's own default (Shopify: 8071, EDI: 8073
# and SFTP 2222) or <PEER>_SANDBOX_PORT (e.g. SHOPIFY_SANDBOX_PORT), in which
# case the demo backend is pointed at that port. The demo backends'
# webhook tokens and secrets are random per database: scripts/demo_secrets.py
# reads them from the database into the peer's environment (never its
# command line, never a log). The EDI partners are the servers Odoo logs in
# to: their setup (host key, mailbox logins, AS2 keys) is made once in
# .local/edi-sandbox/ by demo_secrets.py --peer edi, which exports its path
# (EDI_DEMO_CONFIG) and EDI_SANDBOX_SFTP_PORT.

SANDBOX_PIDS=()

start_sandboxes() {  # $1 = database the demo backends live in
  local peer name port_var port
  # a peer is a package tests/sandbox/<name>/ whose demo.py defines serve_demo
  # (run as python -m sandbox.<name> --demo); the shared base (peer/) has none
  for peer in "$REPO_DIR"/tests/sandbox/*/demo.py; do
    [[ -f "$peer" ]] || continue
    grep -q "^def serve_demo" "$peer" || continue
    name="$(basename "$(dirname "$peer")")"
    port_var="$(tr '[:lower:]' '[:upper:]' <<<"$name")_SANDBOX_PORT"
    port="${!port_var:-}"
    log "starting sandbox peer $name${port:+ on port $port}"
    (
      cd "$REPO_DIR/tests"
      exports="$("$VPY" "$REPO_DIR/scripts/demo_secrets.py" --database "$1" --peer "$name" --format shell \
        ${port:+--sandbox-url "http://127.0.0.1:$port"})" || exit 2
      eval "$exports"
      exec "$VPY" -m "sandbox.$name" --demo ${port:+--port "$port"} \
        --odoo-url "http://127.0.0.1:${ODOO_HTTP_PORT:-8069}" --database "$1"
    ) >>"$LOCAL_DIR/sandbox-$name.log" 2>&1 &
    SANDBOX_PIDS+=("$!")
  done
}

stop_sandboxes() {
  local pid
  for pid in "${SANDBOX_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
