# Sourced by scripts/run, scripts/test and .ci/run: the one place that knows how to find
# Python, build the virtualenv from requirements.lock and get Chromium. Defines functions and
# ROOT; changes nothing until a function is called.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
VENV_PYTHON="$VENV/bin/python"

sw_die() {
    echo "error: $*" >&2
    exit 1
}

# True if "$1" runs and is Python 3.12 or newer. pyenv shims exist for versions the
# directory does not select and fail when run, so the test must run the candidate.
sw_python_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

# Print the first Python 3.12+ found: $PYTHON, python3.13, python3.12, pyenv's 3.13/3.12,
# then python3 and python.
sw_find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.13 python3.12 \
        "$HOME"/.pyenv/versions/3.13*/bin/python "$HOME"/.pyenv/versions/3.12*/bin/python \
        python3 python; do
        if [ -n "$candidate" ] && sw_python_ok "$candidate"; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# Create .venv if missing (or unusable) and install requirements.lock into it when the lock
# changed since the last install; then put .venv/bin first on PATH and cd to the project.
sw_venv_ensure() {
    cd "$ROOT"
    if [ ! -x "$VENV_PYTHON" ] || ! sw_python_ok "$VENV_PYTHON"; then
        local python
        python="$(sw_find_python)" || sw_die "Python 3.12 or newer is needed and none was found.
Install one (e.g. 'apt-get install python3.12 python3.12-venv', or 'pyenv install 3.13'),
or point PYTHON at it: PYTHON=/path/to/python3.13 $0"
        echo "Creating .venv with $python ($("$python" --version 2>&1))" >&2
        # --clear: a .venv left by another machine or Python is unusable; start it afresh.
        "$python" -m venv --clear "$VENV" \
            || sw_die "'$python -m venv' failed (on Debian/Ubuntu: apt-get install python3-venv)."
    fi
    local stamp="$VENV/.requirements.lock.sha256" wanted
    wanted="$(sha256sum "$ROOT/requirements.lock" | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
        echo "Installing requirements.lock into .venv" >&2
        "$VENV_PYTHON" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements.lock" \
            || sw_die "pip install -r requirements.lock failed (see above)."
        echo "$wanted" >"$stamp"
    fi
    export PATH="$VENV/bin:$PATH"
    export VIRTUAL_ENV="$VENV"
}

# The browser tests drive Debian's Chromium (never a downloaded one). Install it with apt
# when missing; that needs root.
sw_chromium_ensure() {
    [ -x /usr/bin/chromium ] && return 0
    if [ "$(id -u)" != 0 ]; then
        sw_die "/usr/bin/chromium is missing and installing it needs root:
  sudo apt-get update && sudo apt-get install -y chromium"
    fi
    command -v apt-get >/dev/null || sw_die "/usr/bin/chromium is missing and there is no apt-get."
    echo "Installing Chromium with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
    [ -x /usr/bin/chromium ] || sw_die "apt-get install chromium did not provide /usr/bin/chromium."
}
