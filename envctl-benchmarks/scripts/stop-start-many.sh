#!/bin/sh
# envctl stop and start of several environments in one command, with the real Docker, k3d and kind: 3 k3d and
# 1 kind environment, ROUNDS (default 3) alternating rounds, each round one stop and one start of all four with
# reconcile.concurrency=1 (one after another, the baseline) and one with the default (3). Prints the medians and
# their ratios. Needs Docker answering, k3d and kind on PATH, busybox-static (node images are built locally as the
# real-tools suite builds them), and the CLI distribution built. The store is a scratch CSV file.
# Usage (from the checkout): envctl-benchmarks/scripts/stop-start-many.sh [ROUNDS]
set -eu
rounds=${1:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
envctl=$root/envctl-cli/target/envctl/bin/envctl
work=$(mktemp -d)
names="ssm-a ssm-b ssm-c ssm-d"
export ENVCTL_STORE="csv:$work/environments.csv"
# the environments, the scratch folder and the node images this run built go when it ends
trap 'for n in $names; do "$envctl" -q delete "$n" >/dev/null 2>&1 || true; done; rm -rf "$work"
      docker rmi -f envctl-fake/k3s:many envctl-fake/k3d-proxy:many envctl-fake/k3d-tools:many \
        envctl-fake/kind-node:many >/dev/null 2>&1 || true' EXIT
sh "$root/envctl-realtools/src/test/resources/node-images/build.sh" many
export K3D_IMAGE_LOADBALANCER=envctl-fake/k3d-proxy:many K3D_IMAGE_TOOLS=envctl-fake/k3d-tools:many
for n in ssm-a ssm-b ssm-c; do
  "$envctl" -q create "$n" --image envctl-fake/k3s:many >/dev/null
done
"$envctl" -q create ssm-d --provider kind --image envctl-fake/kind-node:many >/dev/null
printf 'reconcile.concurrency=1\n' > "$work/one.properties"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
: > "$work/stop-1"; : > "$work/start-1"; : > "$work/stop-3"; : > "$work/start-3"
for i in $(seq 1 "$rounds"); do
  for c in 1 3; do
    config=""
    if [ "$c" = 1 ]; then config="--config $work/one.properties"; fi
    t=$(ms)
    # shellcheck disable=SC2086
    "$envctl" $config -q stop $names >/dev/null
    echo $(( $(ms) - t )) >> "$work/stop-$c"
    t=$(ms)
    # shellcheck disable=SC2086
    "$envctl" $config -q start $names >/dev/null
    echo $(( $(ms) - t )) >> "$work/start-$c"
  done
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
for verb in stop start; do
  one=$(median "$work/$verb-1"); three=$(median "$work/$verb-3")
  echo "$verb of 4 (3 k3d, 1 kind), $rounds rounds: one at a time median $one ms, default concurrency (3)" \
    "median $three ms, ratio $(awk "BEGIN {printf \"%.2f\", $three / $one}")x"
done
