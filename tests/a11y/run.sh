#!/usr/bin/env bash
# HTML validity (vnu) and accessibility (axe-core in headless Chromium) check.
#
#   bash tests/a11y/run.sh [--max-kb N] [--accept-language TAGS] [--cookie NAME=VALUE] [--screenshots DIR] BASE_URL PATH [PATH ...]
#
# A PATH is a page's path, or submit:PATH?NAME=VALUE&... to fill in and submit
# the form on PATH and check the page that follows (e.g. the form re-rendered
# with its field errors): see the comment at the top of check.mjs.
#
# Works from any directory. Installs what is missing first:
#   - Debian's chromium (apt) when /usr/bin/chromium is absent,
#   - a Java runtime (apt, default-jre-headless) when java is absent,
#   - node_modules (npm ci --ignore-scripts) when tests/a11y/node_modules is absent.
# Then runs check.mjs, whose exit status it returns (0 only when every page passes).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ "$#" -lt 2 ]; then
  echo "usage: bash $0 [--max-kb N] [--accept-language TAGS] [--cookie NAME=VALUE] [--screenshots DIR] BASE_URL PATH [PATH ...]" >&2
  echo "       PATH is a path (/events/x) or submit:PATH?NAME=VALUE&... (submit:/sign-in?email=bukan-email&password=x)" >&2
  exit 2
fi

apt_updated=0
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "run.sh: need root to apt-get install $*" >&2
    exit 2
  fi
  if [ "$apt_updated" -eq 0 ]; then
    timeout 600 apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "run.sh: installing chromium (apt)" >&2
  apt_install chromium fonts-liberation
fi

if ! command -v java >/dev/null 2>&1; then
  echo "run.sh: installing a Java runtime for vnu (apt)" >&2
  apt_install default-jre-headless
fi

if ! command -v node >/dev/null 2>&1; then
  echo "run.sh: node (20 or later) is required and not installed" >&2
  exit 2
fi

if [ ! -d "$HERE/node_modules" ]; then
  echo "run.sh: npm ci in $HERE" >&2
  # --ignore-scripts: vnu-jar's postinstall would try to download a Java
  # runtime from outside the npm registry when no java is on PATH; the jar
  # itself ships in the package and is run with the system java.
  (cd "$HERE" && timeout 600 npm ci --ignore-scripts --no-audit --no-fund >&2)
fi

exec node "$HERE/check.mjs" "$@"
