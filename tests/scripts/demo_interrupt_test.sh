#!/usr/bin/env bash
# Interrupts scripts/demo with SIGINT in the middle of its second scenario and checks that it
# left nothing behind: no mirari-demo-* network namespace, no Open vSwitch, FRR or mirarid
# process it started, no /etc/frr or /var/run/frr directory of its routers, no temp directory.
# Usage (as root): tests/scripts/demo_interrupt_test.sh [BUILD_DIR]
#   BUILD_DIR: an existing build to run the demo from (MIRARI_DEMO_BUILD_DIR); default: the
#   demo installs and builds into build-demo as it always does.
# Exit status 0 when everything was removed, 1 otherwise, 77 when not run as root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
[[ $(id -u) -eq 0 ]] || { echo "demo_interrupt_test: needs root, skipped"; exit 77; }
[[ $# -eq 0 ]] || export MIRARI_DEMO_BUILD_DIR=$1

log=$(mktemp /tmp/demo-interrupt-test.XXXXXX)
trap 'rm -f "$log"' EXIT

# The demo's processes name its directories or namespaces (mirari-demo) in their command
# lines (mirarid, Open vSwitch, FRR, the watch helper), or, for the group's instances, in
# their environment (MIRARI_NETNS=mirari-demo-web-N); other programs of the same names that
# run meanwhile are not the demo's.
demo_processes() {
  pgrep -a -f 'mirari-demo[.-]' | grep -v -e demo_interrupt_test -e "^$$ " || true
  grep -l -a 'MIRARI_NETNS=mirari-demo-' /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 |
    xargs -r ps -o pid=,args= -p || true
}
[[ -z "$(demo_processes)" ]] || { echo "demo_interrupt_test: a demo runs already"; exit 1; }
temp_before=$(find /tmp -maxdepth 1 -name 'mirari-demo.*' | wc -l)

# Job control on, so the demo does not start with SIGINT ignored (bash ignores it in
# background jobs otherwise), just as when Ctrl-C reaches it from a terminal.
set -m
scripts/demo >"$log" 2>&1 &
demo=$!
set +m
until grep -q '^#### 2\.' "$log"; do  # however long the demo's own build takes
  kill -0 "$demo" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q '^#### 2\.' "$log"; then
  echo "demo_interrupt_test: the demo did not reach scenario 2:"
  cat "$log"
  exit 1
fi
sleep 1
kill -INT "$demo"
status=0
wait "$demo" || status=$?
echo "demo_interrupt_test: the demo exited with status $status after SIGINT"

failed=0
fail() { echo "demo_interrupt_test: FAILED: $*"; failed=1; }
[[ $status -eq 130 ]] || fail "exit status $status, not 130"
grep -q '^interrupted' "$log" || fail "the demo did not say it was interrupted"
left=$(ip netns list | awk '$1 ~ /^mirari-demo-/ {print $1}')
[[ -z "$left" ]] || fail "namespaces left: $left"
left=$(demo_processes)
[[ -z "$left" ]] || fail "processes left: $left"
left=$(find /etc/frr /var/run/frr -maxdepth 1 -name 'mirari-demo-*' 2>/dev/null)
[[ -z "$left" ]] || fail "FRR directories left: $left"
[[ $(find /tmp -maxdepth 1 -name 'mirari-demo.*' | wc -l) -le $temp_before ]] ||
  fail "a temp directory /tmp/mirari-demo.* is left"
if ((failed)); then
  echo "--- the demo's output:"
  cat "$log"
  exit 1
fi
echo "demo_interrupt_test: nothing left behind"
