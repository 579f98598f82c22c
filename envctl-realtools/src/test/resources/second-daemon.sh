#!/bin/sh
# A second Docker daemon on this machine, standing in for a second Docker host: its own network namespace
# (so it publishes the same host ports as the first daemon without a clash), data root, exec root and socket.
# Usage: second-daemon.sh start DIR   prints the socket's DOCKER_HOST (unix://DIR/docker.sock) once it answers,
#                                     then, on a second line, the namespace's own address (see below)
#        second-daemon.sh stop DIR    stops the daemon, removes its namespace and DIR
# The namespace is joined to this one by a veth pair: 10.231.254.1/30 here, 10.231.254.2/30 there (its default
# route), so the second host has an address of its own that this machine reaches, as a remote host would.
# Needs root, ip(8), nsenter(1) and dockerd. The daemon runs with the first one's runtime wrapper when that is
# installed (see ../shared/tools/docker-up). nsenter only joins the network namespace: `ip netns exec` would
# also remount /sys, and dockerd would then find no cgroups.
set -eu
action=$1
dir=$2
ns=envctl-$(basename "$dir")
case "$action" in
  start)
    mkdir -p "$dir/data" "$dir/exec"
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
    # cksum prints "CHECKSUM LENGTH": the checksum alone, as a name never holds a space (ip refuses it)
    veth=ev$(printf '%s' "$ns" | cksum | cut -d' ' -f1 | cut -c1-8)
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip addr add 10.231.254.1/30 dev "$veth"
    ip link set "$veth" up
    ip netns exec "$ns" ip addr add 10.231.254.2/30 dev eth0
    ip netns exec "$ns" ip link set eth0 up
    ip netns exec "$ns" ip route add default via 10.231.254.1
    runtime=""
    if [ -x /usr/local/sbin/runc-nosysresource ]; then
      runtime="--add-runtime nosysresource=/usr/local/sbin/runc-nosysresource --default-runtime nosysresource"
    fi
    # shellcheck disable=SC2086
    nohup nsenter --net="/var/run/netns/$ns" dockerd --data-root "$dir/data" --exec-root "$dir/exec" \
      -H "unix://$dir/docker.sock" --pidfile "$dir/docker.pid" $runtime >"$dir/dockerd.log" 2>&1 &
    for _ in $(seq 1 60); do
      DOCKER_HOST="unix://$dir/docker.sock" docker info >/dev/null 2>&1 && break
      sleep 0.5
    done
    DOCKER_HOST="unix://$dir/docker.sock" docker info >/dev/null 2>&1 \
      || { tail -5 "$dir/dockerd.log" >&2; exit 1; }
    echo "unix://$dir/docker.sock"
    echo "10.231.254.2"
    ;;
  stop)
    if [ -f "$dir/docker.pid" ]; then
      pid=$(cat "$dir/docker.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    ip netns delete "$ns" 2>/dev/null || true   # removes the veth pair with it
    rm -rf "$dir"
    ;;
  *)
    echo "usage: second-daemon.sh start|stop DIR" >&2
    exit 2
    ;;
esac
