#!/bin/sh
# Stand-in k3d load balancer: k3d waits for this nginx log line; the ports are published by Docker.
# k3d reads the log from the container's StartedAt, cut to the second, and Docker records StartedAt a moment after
# the process starts: a line printed at once can carry an earlier time, and when the two fall on each side of a
# second's boundary k3d misses it and waits until its timeout (real nginx prints it later). So it comes again
# every second, and a later one is seen.
trap 'exit 0' TERM INT
while :; do
  echo "nginx: start worker processes"
  sleep 1
done
