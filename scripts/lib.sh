# Shared by scripts/test and scripts/demo: the Python environment both run in.
# shellcheck shell=bash

PYTHON="${PYTHON:-python3}"
VENV=.venv
STAMP="$VENV/.qbdlink-installed"

step() {
    printf '\n==> %s\n' "$*"
}

# Installs the Debian packages given that are not installed yet; runs `apt-get update` once,
# and only when something is missing. Later issues call it, e.g.
#   ensure_apt_packages chromium xvfb osslsigncode
APT_UPDATED=""
ensure_apt_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
            missing+=("$pkg")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return 0
    fi
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    step "apt-get install ${missing[*]}"
    if [ -z "$APT_UPDATED" ]; then
        "${sudo[@]}" apt-get update
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends \
        "${missing[@]}"
}

ensure_venv() {
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "scripts/test: $PYTHON is $("$PYTHON" --version 2>&1); qbdlink needs Python 3.11+." >&2
        echo "Set PYTHON=/path/to/python3.11 to choose another interpreter." >&2
        exit 1
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        step "create $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    local want
    want="$(cat requirements.lock requirements/codat-accounting.lock pyproject.toml | sha256sum | cut -d' ' -f1)"
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
        return 0
    fi
    rm -f "$STAMP"
    step "install requirements.lock into $VENV"
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
        --require-hashes -r requirements.lock
    step "install requirements/codat-accounting.lock (--no-deps: see that file)"
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
        --require-hashes --no-deps -r requirements/codat-accounting.lock
    step "install qbdlink (editable)"
    # hatchling comes from the lock: no unpinned build-time download.
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
        --no-deps --no-build-isolation -e .
    echo "$want" >"$STAMP"
}

