#!/usr/bin/env bash
# Runs the JavaScript tests of focus-md (mvn verify calls this; see pom.xml). Needs node >= 20 and
# npm; without them the tests are skipped, or fail when FOCUS_REQUIRE_ORACLES=1 (CI).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [[ "${FOCUS_REQUIRE_ORACLES:-}" == "1" ]]; then
    echo "focus-md: node and npm are required for the JavaScript tests (FOCUS_REQUIRE_ORACLES=1); install nodejs and npm" >&2
    exit 1
  fi
  echo "focus-md: node or npm not found; skipping the JavaScript tests" >&2
  exit 0
fi
# npm ci only when node_modules is missing or older than the lock file.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node --test src/test/js/
