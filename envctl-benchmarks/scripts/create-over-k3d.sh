#!/bin/sh
# envctl create against the same k3d cluster create run directly, with the real Docker and k3d: medians of
# ROUNDS (default 5) alternating rounds, each round one bare create and one envctl create, each cluster deleted
# before the next. Prints the medians and envctl's extra time. Needs Docker answering, k3d and busybox-static
# (node images are built locally as the real-tools suite builds them), and the CLI distribution built.
# The store is ENVCTL_STORE if set (for example a PostgreSQL URL with ENVCTL_DB_PASSWORD), else a scratch CSV.
# Both creates run k3d through a thin wrapper that records how long each `k3d cluster create` itself took, so
# the script also prints the paired overhead: the median over rounds of (command time - its k3d create's time),
# envctl's less the bare command's (the wrapper's own cost), free of k3d's round-to-round variance.
# Usage (from the checkout): envctl-benchmarks/scripts/create-over-k3d.sh [ROUNDS]
set -eu
rounds=${1:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
envctl=$root/envctl-cli/target/envctl/bin/envctl
work=$(mktemp -d)
# the clusters, the scratch folder and the node images this run built go when it ends
trap 'k3d cluster delete bare-ovh envctl-ovh >/dev/null 2>&1 || true; rm -rf "$work"
      docker rmi -f envctl-fake/k3s:overhead envctl-fake/k3d-proxy:overhead envctl-fake/k3d-tools:overhead \
        envctl-fake/kind-node:overhead >/dev/null 2>&1 || true' EXIT
sh "$root/envctl-realtools/src/test/resources/node-images/build.sh" overhead
export K3D_IMAGE_LOADBALANCER=envctl-fake/k3d-proxy:overhead K3D_IMAGE_TOOLS=envctl-fake/k3d-tools:overhead
export ENVCTL_STORE="${ENVCTL_STORE:-csv:$work/environments.csv}"
image=envctl-fake/k3s:overhead
real_k3d=$(command -v k3d)
mkdir -p "$work/bin"
cat > "$work/bin/k3d" <<WRAPPER
#!/bin/sh
s=\$(date +%s%N)
"$real_k3d" "\$@"
rc=\$?
if [ "\$1 \$2" = "cluster create" ]; then echo \$(( (\$(date +%s%N) - s) / 1000000 )) > "$work/inner"; fi
exit \$rc
WRAPPER
chmod +x "$work/bin/k3d"
PATH="$work/bin:$PATH"
ms() { echo $(( $(date +%s%N) / 1000000 )); }
docker network create k3d-shared >/dev/null 2>&1 || true
: > "$work/bare"; : > "$work/envctl"; : > "$work/bare-paired"; : > "$work/envctl-paired"
for i in $(seq 1 "$rounds"); do
  t=$(ms)
  k3d cluster create bare-ovh --api-port 127.0.0.1:26999 -p 0.0.0.0:18999:80@loadbalancer \
    -p 0.0.0.0:18998:443@loadbalancer --network k3d-shared --image "$image" --wait --timeout 300s >/dev/null 2>&1
  d=$(( $(ms) - t ))
  echo "$d" >> "$work/bare"
  echo $(( d - $(cat "$work/inner") )) >> "$work/bare-paired"
  k3d cluster delete bare-ovh >/dev/null 2>&1
  t=$(ms)
  "$envctl" -q create envctl-ovh --http-port 18999 --https-port 18998 --api-port 26999 --image "$image" >/dev/null
  d=$(( $(ms) - t ))
  echo "$d" >> "$work/envctl"
  echo $(( d - $(cat "$work/inner") )) >> "$work/envctl-paired"
  "$envctl" -q delete envctl-ovh >/dev/null
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
b=$(median "$work/bare"); e=$(median "$work/envctl")
bp=$(median "$work/bare-paired"); ep=$(median "$work/envctl-paired")
echo "store $ENVCTL_STORE, $rounds rounds: bare k3d create median $b ms, envctl create median $e ms, envctl +$((e - b)) ms"
echo "paired: envctl create less its own k3d create, median $ep ms; bare command less k3d create (the wrapper), median $bp ms; envctl +$((ep - bp)) ms"
