# Installs, once, what building and testing Keyhold needs and a fresh
# machine lacks. Sourced by scripts/run and scripts/test.

ensure_build_tools() {
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    echo "==> adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! command -v cargo-leptos >/dev/null || ! cargo leptos --version | grep -q '0\.3\.10'; then
    echo "==> installing cargo-leptos 0.3.10 (a few minutes, once)"
    cargo install cargo-leptos --version 0.3.10 --locked
  fi
  # cargo-leptos needs the wasm-bindgen CLI of exactly the library's version.
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, "", $0); print; exit }' Cargo.lock)
  if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$want" ]; then
    echo "==> installing wasm-bindgen-cli $want (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

# wasm-opt for release builds (cargo-leptos runs `wasm-opt -Oz` on the
# wasm, and tries to download it, which fails offline, when none is on the
# PATH): npm's `binaryen` at a version known to work, installed once into
# a cache directory and put first on the PATH. Debian's binaryen (108) is
# too old: the wasm it writes does not hydrate.
: "${KEYHOLD_TOOLS:=${XDG_CACHE_HOME:-$HOME/.cache}/keyhold-tools}"
BINARYEN_VERSION=132
ensure_binaryen() {
  local dir="$KEYHOLD_TOOLS/binaryen-$BINARYEN_VERSION"
  if ! "$dir/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    echo "==> installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --no-save "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
}

# Schemathesis (PyPI), which tests the management API against its OpenAPI
# document: installed once into a virtualenv in the cache directory; sets
# $SCHEMATHESIS to its command. Python 3.12 or later when the machine has
# one (pyenv's included): under 3.11 hypothesis sometimes stops with
# "AST constructor recursion depth mismatch" (a CPython bug).
SCHEMATHESIS_VERSION=4.32.5
schemathesis_python() {
  local candidate
  for candidate in python3.13 python3.12 $(ls -d "$(pyenv root 2>/dev/null)"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  echo python3
}
ensure_schemathesis() {
  local python version dir
  python=$(schemathesis_python)
  version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  dir="$KEYHOLD_TOOLS/schemathesis-$SCHEMATHESIS_VERSION-py$version"
  if ! "$dir/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    echo "==> installing schemathesis $SCHEMATHESIS_VERSION (PyPI) into $dir (Python $version)"
    "$python" -m venv "$dir"
    "$dir/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  SCHEMATHESIS="$dir/bin/st"
}

# sqlx-cli (`cargo sqlx prepare`) of the version of the sqlx library in
# Cargo.lock, built with PostgreSQL support only (about two minutes, once).
ensure_sqlx_cli() {
  local want
  want=$(awk '/^name = "sqlx"$/ { getline; gsub(/[^0-9.]/, "", $0); print; exit }' Cargo.lock)
  if ! command -v cargo-sqlx >/dev/null || [ "$(cargo sqlx --version | awk '{print $2}')" != "$want" ]; then
    echo "==> installing sqlx-cli $want (about two minutes, once)"
    cargo install sqlx-cli --version "$want" --no-default-features --features postgres --locked
  fi
}

# Installs Debian packages (as root, or through sudo).
apt_install() {
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_browser_tools() {
  if [ ! -x /usr/bin/chromium ]; then
    echo "==> installing Chromium"
    apt_install chromium
  fi
  if [ ! -d end2end/node_modules/@playwright/test ]; then
    echo "==> installing Playwright (npm)"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
}

# The HTTP load generator of scripts/bench (Debian's package).
ensure_wrk() {
  if ! command -v wrk >/dev/null; then
    echo "==> installing wrk"
    apt_install wrk
  fi
}

# --- PostgreSQL for scripts/run -------------------------------------------------

# The database scripts/run serves when neither the environment nor .env sets
# DATABASE_URL (the server's own default).
: "${DEV_DATABASE_URL:=postgres://postgres@127.0.0.1:5432/keyhold}"

# DATABASE_URL as the server will see it: the environment, else .env, else
# the default.
database_url() {
  if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; return; fi
  local from_file=""
  [ -f .env ] && from_file=$(sed -n 's/^[[:space:]]*DATABASE_URL=//p' .env | tail -1 | sed -e 's/^["'\'']//' -e 's/["'\'']$//')
  echo "${from_file:-$DEV_DATABASE_URL}"
}

# "host port" of a postgres:// URL.
pg_host_port() {
  python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p.hostname or "localhost", p.port or 5432)' "$1"
}

# True when something accepts PostgreSQL connections on host:port.
pg_answers() {
  if command -v pg_isready >/dev/null; then
    pg_isready -h "$1" -p "$2" -q 2>/dev/null
  else
    python3 -c 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2)' "$1" "$2" 2>/dev/null
  fi
}

# True when Debian's PostgreSQL server (any version) is installed.
pg_server_installed() {
  command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters --no-header 2>/dev/null; ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null)" ]
}

# "version name status" of the cluster configured for a port, if any.
pg_cluster_on_port() {
  pg_lsclusters --no-header 2>/dev/null | awk -v port="$1" '$3 == port { print $1, $2, $4; exit }'
}

# Runs a command as the postgres system user.
as_postgres() {
  # From /, which the postgres user can read, whatever the current directory.
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else (cd / && sudo -u postgres "$@"); fi
}

# Starts a Debian cluster: through systemd where it runs, else directly.
pg_start_cluster() {
  if [ -d /run/systemd/system ]; then
    local sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    "${sudo[@]}" systemctl start "postgresql@$1-$2"
  else
    if [ "$(id -u)" = 0 ]; then pg_ctlcluster --skip-systemctl-redirect "$1" "$2" start; else sudo pg_ctlcluster --skip-systemctl-redirect "$1" "$2" start; fi
  fi
}

# Waits until PostgreSQL answers on host:port, making sure there is one
# first: on this machine (the URL names 127.0.0.1, localhost or ::1) a
# stopped cluster for the port is started, and where none exists Debian's
# `postgresql` is installed (apt) and a cluster is created on the port. Says
# what it did. A database elsewhere is only waited for.
ensure_postgres() {
  local url host port
  url=$(database_url)
  read -r host port < <(pg_host_port "$url")
  if pg_answers "$host" "$port"; then return; fi
  case "$host" in
    127.0.0.1 | localhost | ::1) ;;
    *)
      wait_for_postgres "$host" "$port" || {
        echo "PostgreSQL at $host:$port (DATABASE_URL) does not answer; start it or set DATABASE_URL" >&2
        exit 1
      }
      return
      ;;
  esac
  local created=false
  if ! pg_server_installed; then
    echo "==> no PostgreSQL on this machine: installing Debian's postgresql package (apt)"
    apt_install postgresql
  fi
  local cluster version name status
  cluster=$(pg_cluster_on_port "$port")
  if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    name=main
    if [ -d "/etc/postgresql/$version/main" ]; then name=keyhold; fi
    echo "==> creating PostgreSQL $version cluster \"$name\" on port $port (pg_createcluster)"
    if [ "$(id -u)" = 0 ]; then pg_createcluster "$version" "$name" --port "$port" >/dev/null; else sudo pg_createcluster "$version" "$name" --port "$port" >/dev/null; fi
    created=true
    cluster="$version $name down"
  fi
  read -r version name status <<<"$cluster"
  if ! pg_answers "$host" "$port"; then
    echo "==> starting PostgreSQL cluster $version/$name on port $port ($status until now)"
    pg_start_cluster "$version" "$name"
  fi
  wait_for_postgres "$host" "$port" || {
    echo "PostgreSQL cluster $version/$name did not start; see /var/log/postgresql/postgresql-$version-$name.log" >&2
    exit 1
  }
  if [ "$created" = true ] || ! pg_can_sign_in "$url"; then
    ensure_database_role "$url" "$version" "$name" "$port"
  fi
}

wait_for_postgres() {
  for _ in $(seq 1 30); do
    pg_answers "$1" "$2" && return 0
    sleep 1
  done
  return 1
}

# True when the URL's user can connect (to the maintenance database postgres).
pg_can_sign_in() {
  python3 - "$1" <<'PY' 2>/dev/null
import subprocess, sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
env = {"PGPASSWORD": u.unquote(p.password or ""), "PATH": "/usr/bin:/bin"}
sys.exit(subprocess.run(["psql", "-w", "-h", p.hostname or "localhost", "-p", str(p.port or 5432), "-U", u.unquote(p.username or "postgres"),
                         "-d", "postgres", "-Atqc", "SELECT 1"], env=env, capture_output=True).returncode)
PY
}

# A fresh Debian cluster lets no one in over TCP without a password. When the
# URL is scripts/run's default, create the role `keyhold` (may create
# databases) with a generated password and write DATABASE_URL to .env, where
# the server and the `keyhold` commands read it. A URL someone chose is
# theirs to fix.
ensure_database_role() {
  local url=$1 version=$2 name=$3 port=$4
  if [ -n "${DATABASE_URL:-}" ] || { [ -f .env ] && grep -q '^[[:space:]]*DATABASE_URL=' .env; }; then
    echo "The PostgreSQL cluster $version/$name does not accept DATABASE_URL's user; create that role (as the postgres system user: createuser ...) or change DATABASE_URL" >&2
    exit 1
  fi
  local password
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  as_postgres psql -p "$port" -d postgres -qv ON_ERROR_STOP=1 -v password="$password" >/dev/null <<'SQL'
SELECT format('CREATE ROLE keyhold LOGIN CREATEDB PASSWORD %L', :'password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keyhold') \gexec
ALTER ROLE keyhold LOGIN CREATEDB PASSWORD :'password';
SQL
  local new_url="postgres://keyhold:$password@127.0.0.1:$port/keyhold"
  {
    echo "# Written by scripts/run: the role it created in the PostgreSQL cluster $version/$name."
    echo "DATABASE_URL=$new_url"
  } >>.env
  chmod 600 .env
  export DATABASE_URL="$new_url"
  echo "==> created the PostgreSQL role keyhold (password generated) and wrote DATABASE_URL to .env"
}

# Prints a TCP port nobody listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
