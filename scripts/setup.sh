# Shared set-up steps for scripts/test and scripts/demo (sourced, not run).

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${_APT_UPDATED:-}" ]; then as_root apt-get update -q >/dev/null; _APT_UPDATED=1; fi
  as_root apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

setup_system_packages() {
  local want=()
  python3 -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null \
    || { echo "tobira needs Python >= 3.11 as python3" >&2; exit 1; }
  python3 -m venv --help >/dev/null 2>&1 || want+=(python3-venv)
  if [ "${1:-}" = with-browser ]; then
    command -v chromium >/dev/null 2>&1 || want+=(chromium fonts-noto-cjk)
    command -v pg_ctlcluster >/dev/null 2>&1 || command -v pg_isready >/dev/null 2>&1 || want+=(postgresql)
    command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
  fi
  if [ ${#want[@]} -gt 0 ]; then
    echo "== installing Debian packages: ${want[*]}"
    apt_install "${want[@]}"
  fi
}

start_services() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    echo "== starting PostgreSQL"
    local version; version=$(ls /etc/postgresql | sort -V | tail -n 1)
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    # the tests connect as postgres over loopback without a password, as on the project's machines
    grep -q "tobira-tests" "$hba" || as_root sed -i '1i host all postgres 127.0.0.1/32 trust # tobira-tests' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    echo "== starting Redis"
    as_root mkdir -p /var/lib/redis /var/log/redis
    as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/tobira-tests.log
    for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 1; done
  fi
}

setup_python_env() {
  if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    python3 -m venv .venv
  fi
  local stamp=.venv/.tobira-installed
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "== installing Python packages"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[dev]"
    touch "$stamp"
  fi
}

setup_axe() {
  # axe-core (npm, MPL-2.0) for the accessibility tests: Playwright injects .cache/axe's copy
  # into the pages. Debian's nodejs/npm are installed only when npm is missing.
  [ -f .cache/axe/node_modules/axe-core/axe.min.js ] && return 0
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  echo "== installing axe-core 4 into .cache/axe"
  mkdir -p .cache/axe
  npm install --prefix .cache/axe --no-audit --no-fund --loglevel=error axe-core@4 </dev/null >/dev/null
}
