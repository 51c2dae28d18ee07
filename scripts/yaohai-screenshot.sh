#!/usr/bin/env bash
# The Yaohai report as the leading group sees it: the HTML status report of 2022-01-15, in
# Chinese, and a screenshot of it by headless Chromium (Debian's package: apt-get install
# chromium fonts-noto-cjk). Run from the repository after installing rubricdsl (README).
set -euo pipefail
cd "$(dirname "$0")/.."
rubricdsl="${RUBRICDSL:-.venv/bin/rubricdsl}"
"$rubricdsl" status --plan examples/yaohai/plan.yaml --data examples/yaohai/data-2021.yaml \
    rubrics/2020/anhui-six-ones.rubric rubrics/2020/anhui-quality-county.rubric \
    --as-of 2022-01-15 --format html --lang zh --output yaohai-report.html
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
# the flags a machine without a network or a display needs (no sandbox when run as root)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size="${WIDTH:-1000},${HEIGHT:-3000}" \
    --screenshot="$PWD/yaohai-report.png" "file://$PWD/yaohai-report.html" 2> /dev/null
echo "wrote yaohai-report.html and yaohai-report.png"
