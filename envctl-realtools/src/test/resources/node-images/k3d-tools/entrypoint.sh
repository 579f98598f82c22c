#!/bin/sh
# Stand-in k3d tools node: only has to keep running.
trap 'exit 0' TERM INT
while :; do sleep 1; done
