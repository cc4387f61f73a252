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

# Waits until Postgres answers on 127.0.0.1:5432, starting it if it can.
ensure_postgres() {
  if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then return; fi
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
  for _ in $(seq 1 30); do
    pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && return
    sleep 1
  done
  echo "PostgreSQL is not answering on 127.0.0.1:5432; start it or set DATABASE_URL" >&2
  exit 1
}

# Prints a TCP port nobody listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
