#!/usr/bin/env bash
# SDK compatibility suite: Okta's own SDKs and certified OIDC libraries against mock-okta.
#
#   compat/run.sh            build + start mock-okta, run the Node and the Python suites
#
# Builds mock-okta (cargo build -p mock-okta) unless MOCK_OKTA_BIN names a binary already built
# (scripts/test passes the one `cargo test --workspace` built, so nothing compiles twice), starts
# it over https (`--tls`, a local CA of this run's own in a temporary HARNESS_CA_DIR) on a free
# 127.0.0.1 port with the default seed, waits for discovery to answer, installs the pinned Node (npm ci) and Python
# (compat/python/.venv) dependencies when missing, runs `node --test` then `pytest -q`,
# stops mock-okta on exit and exits non-zero if anything failed. The libraries are given no testing
# switch: they trust the CA only through NODE_EXTRA_CA_CERTS, SSL_CERT_FILE and
# REQUESTS_CA_BUNDLE, as a user's machine would.
#
# Needs: cargo, node >= 20 + npm, python3 (3.11) + pip; network only for the npm and PyPI
# registries on the first run.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
API_TOKEN="${OKTA_API_TOKEN:-00mock-okta-api-token}"
PYTHON="$(command -v python3.11 || command -v python3)"

log() { printf '\n==> %s\n' "$*" >&2; }

# ---- build mock-okta --------------------------------------------------------------------
if [[ -n "${MOCK_OKTA_BIN:-}" ]]; then
  BIN="$MOCK_OKTA_BIN"
else
  log "cargo build -p mock-okta"
  (cd "$ROOT" && cargo build -p mock-okta)
  TARGET_DIR="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps \
    | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
  BIN="$TARGET_DIR/debug/mock-okta"
fi
[[ -x "$BIN" ]] || { echo "mock-okta binary not found at $BIN" >&2; exit 1; }

# ---- dependencies (before starting the server, so a slow install cannot time it out) ----
if [[ ! -d "$HERE/node/node_modules" ]]; then
  log "npm ci (compat/node)"
  (cd "$HERE/node" && npm ci --no-audit --no-fund)
fi

VENV="$HERE/python/.venv"
if [[ ! -x "$VENV/bin/pytest" ]]; then
  log "python venv + pip install -r requirements.txt (compat/python/.venv)"
  rm -rf "$VENV"
  if "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      -r "$HERE/python/requirements.txt"
  else
    # Debian without python3-venv (no ensurepip): a pip-less venv, filled by the system pip.
    rm -rf "$VENV"
    "$PYTHON" -m venv --without-pip "$VENV"
    "$PYTHON" -m pip --python "$VENV/bin/python" install --quiet --disable-pip-version-check \
      -r "$HERE/python/requirements.txt"
  fi
fi

# ---- start mock-okta --------------------------------------------------------------------
PORT="$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
ORG_URL="https://127.0.0.1:$PORT"
LOG_FILE="$(mktemp -t mock-okta-compat.XXXXXX.log)"
CA_DIR="$(mktemp -d -t mock-okta-compat-ca.XXXXXX)"
CA_FILE="$CA_DIR/ca.pem"
MOCK_PID=""

cleanup() {
  rm -rf "$CA_DIR"
  if [[ -n "$MOCK_PID" ]] && kill -0 "$MOCK_PID" 2>/dev/null; then
    kill -TERM "$MOCK_PID" 2>/dev/null || true
    wait "$MOCK_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting mock-okta on $ORG_URL (log: $LOG_FILE)"
# Defaults only: no seed file, no public URL override from the caller's environment.
env -u MOCK_OKTA_SEED -u MOCK_OKTA_PUBLIC_URL -u MOCK_OKTA_SIGNING_KEY -u MOCK_OKTA_LISTEN \
  -u MOCK_OKTA_TLS_CERT -u MOCK_OKTA_TLS_KEY HARNESS_CA_DIR="$CA_DIR" \
  "$BIN" --listen "127.0.0.1:$PORT" --api-token "$API_TOKEN" --tls >"$LOG_FILE" 2>&1 &
MOCK_PID=$!

"$PYTHON" - "$ORG_URL" "$MOCK_PID" "$CA_FILE" <<'EOF' || { cat "$LOG_FILE" >&2; exit 1; }
import os, ssl, sys, time, urllib.request
url, pid = sys.argv[1] + "/oauth2/default/.well-known/openid-configuration", int(sys.argv[2])
context = None
deadline = time.time() + 60
while time.time() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("mock-okta exited before it was ready")
    if context is None and os.path.exists(sys.argv[3]):
        # The CA appears when mock-okta has made it.
        context = ssl.create_default_context(cafile=sys.argv[3])
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.2)
sys.exit(f"mock-okta did not answer {url} within 60 s")
EOF

export OKTA_ORG_URL="$ORG_URL" OKTA_API_TOKEN="$API_TOKEN"
# The CA of mock-okta's certificate, trusted the usual way: Node adds NODE_EXTRA_CA_CERTS to its
# roots, Python's ssl (aiohttp, urllib) reads SSL_CERT_FILE, requests REQUESTS_CA_BUNDLE.
export NODE_EXTRA_CA_CERTS="$CA_FILE" SSL_CERT_FILE="$CA_FILE" REQUESTS_CA_BUNDLE="$CA_FILE"
unset OKTA_TESTING_TESTINGDISABLEHTTPSCHECK
failed=()

# ---- Node: @okta/okta-sdk-nodejs, @okta/jwt-verifier, openid-client --------------------
# One file at a time (node 20's --test runs files in parallel; the org is shared).
for f in "$HERE"/node/test/*.test.mjs; do
  name="node/test/$(basename "$f")"
  log "node --test $name"
  if ! (cd "$HERE/node" && node --test "$f"); then
    failed+=("$name")
  fi
done

# ---- Python: okta (v3) ------------------------------------------------------------------
log "pytest -q (compat/python)"
if ! (cd "$HERE/python" && "$VENV/bin/python" -m pytest -q); then
  failed+=("python (pytest)")
fi

echo
if ((${#failed[@]})); then
  echo "compat: FAILED: ${failed[*]}" >&2
  echo "compat: mock-okta log: $LOG_FILE" >&2
  exit 1
fi
echo "compat: all SDK suites passed"
rm -f "$LOG_FILE"
