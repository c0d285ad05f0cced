#!/usr/bin/env bash
# Prepare a checkout for tests and local runs: Python venv, Kafka jars, Keycloak, PostgreSQL binaries.
# Idempotent and quick when everything is already in place (each step checks first),
# so `make test` can call it every time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

KUSTOMIZE_PID=""
# kustomize renders the cluster manifests (deploy/k8s) for their offline check (a test does):
# pinned to v5.5.0, the kustomize that kubectl 1.32 embeds for `kubectl apply -k`, built with the
# machine's Go from the Go module proxy into $(go env GOPATH)/bin. (Debian's kubernetes-client is
# kubectl 1.20, whose kustomize v2 is too old for these manifests.)
KUSTOMIZE_MODULE="sigs.k8s.io/kustomize/kustomize/v5"
KUSTOMIZE_VERSION="v5.5.0"
GO="$(command -v go || echo /usr/local/go/bin/go)"
[[ -x "$GO" ]] || { echo "bootstrap: go not found; the Go toolchain (1.22 or later) builds kustomize" >&2; exit 1; }
kustomize_bin="$("$GO" env GOPATH)/bin/kustomize"
if ! "$GO" version -m "$kustomize_bin" 2>/dev/null | grep -qP "^\tmod\t${KUSTOMIZE_MODULE}\t${KUSTOMIZE_VERSION}\t"; then
  # Built in the background while the other steps download (it is the one step that computes).
  echo "bootstrap: go install ${KUSTOMIZE_MODULE}@${KUSTOMIZE_VERSION} (in the background)"
  KUSTOMIZE_LOG="$(mktemp)"
  "$GO" install "${KUSTOMIZE_MODULE}@${KUSTOMIZE_VERSION}" >"$KUSTOMIZE_LOG" 2>&1 &
  KUSTOMIZE_PID=$!
fi

PYTHON="${PYTHON:-python3}"
VENV=.venv
STAMP="$VENV/.bootstrap-installed"

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "bootstrap: creating $VENV"
  "$PYTHON" -m venv "$VENV" || { echo "bootstrap: python venv failed; install it with: apt-get install -y python3-venv" >&2; exit 1; }
fi

# Reinstall only when pyproject.toml changed since the last successful install.
if [[ ! -f "$STAMP" || pyproject.toml -nt "$STAMP" ]]; then
  echo "bootstrap: pip install -e '.[dev]'"
  "$VENV/bin/python" -m pip install -q -e '.[dev]'
  touch "$STAMP"
fi

# Kafka 4.x broker jars from Maven Central (needs java + mvn; errors name the apt packages).
"$VENV/bin/python" -m deploy.kafka.cluster ensure-jars >/dev/null

# Keycloak (org.keycloak:keycloak-quarkus-dist) from Maven Central into var/identity/dist, and a
# check that a Java 21+ runtime exists to run it (the error names what to install).
"$VENV/bin/python" -m deploy.identity.local ensure-installed >/dev/null

# PostgreSQL server binaries (apt-get install postgresql on a fresh machine).
"$VENV/bin/python" -m deploy.postgres.local ensure-installed >/dev/null

# kcat, to show that the topics read as plain JSON with readable ce_* headers (a test does).
if ! command -v kcat >/dev/null 2>&1; then
  echo "bootstrap: apt-get install kcat"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo -n"
  $SUDO apt-get install -y -q kcat >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q kcat >/dev/null; }
fi

# The staff screens: Debian's nginx serves them (make run), Debian's chromium and the Noto CJK fonts
# run the browser tests (Playwright drives that chromium; no browser is ever downloaded).
need=()
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -q "Noto Sans CJK JP" || need+=(fonts-noto-cjk)
# Chromium's Japanese locale (date inputs as yyyy/mm/dd in the browser tests' screenshots).
[[ -e /usr/lib/chromium/locales/ja.pak ]] || need+=(chromium-l10n)
if (( ${#need[@]} )); then
  echo "bootstrap: apt-get install ${need[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -q "${need[@]}" >/dev/null 2>&1 || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q "${need[@]}" >/dev/null; }
fi

# The web client: npm ci (when the lock file changed) and a build when a source changed; the build
# generates the API types from frontend/openapi and type-checks against them.
"$VENV/bin/python" -m deploy.web.local build >/dev/null

if [[ -n "$KUSTOMIZE_PID" ]]; then
  wait "$KUSTOMIZE_PID" || { echo "bootstrap: building kustomize failed:" >&2; cat "$KUSTOMIZE_LOG" >&2; exit 1; }
fi

echo "bootstrap: ok"
