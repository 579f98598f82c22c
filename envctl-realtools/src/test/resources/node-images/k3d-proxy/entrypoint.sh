#!/bin/sh
# Stand-in k3d load balancer: k3d waits for this nginx log line; the ports are published by Docker.
trap 'exit 0' TERM INT
echo "nginx: start worker processes"
while :; do sleep 1; done
