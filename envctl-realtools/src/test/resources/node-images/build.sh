#!/bin/sh
# Builds minimal local node images for the real-tools suite where no registry answers: a rootfs holding
# Debian's busybox-static and the scripts beside this file, made into images with `docker import`.
# Enough for real k3d and kind to finish a create with real containers, networks and published ports;
# Kubernetes itself is absent. Usage: build.sh TAG (for example envctl-fake-realtools); prints nothing.
# Images: envctl-fake/k3s:TAG, envctl-fake/k3d-proxy:TAG, envctl-fake/k3d-tools:TAG, envctl-fake/kind-node:TAG
set -eu
tag=$1
here=$(cd "$(dirname "$0")" && pwd)
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "build.sh: $busybox not found; install Debian's busybox-static" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# rootfs NAME: a busybox root with every applet linked and the image's own scripts from $here/NAME/
rootfs() {
  root=$work/$1
  mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/local/bin" "$root/etc" "$root/tmp" \
    "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/var/log"
  cp -R "$here/$1/." "$root/"
  cp "$busybox" "$root/bin/busybox"
  # applets after the image's own files, so a stand-in script of the same name is never overwritten
  for applet in $("$busybox" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  chmod -R a+rx "$root/bin" "$root/usr" "$root/sbin"
}

# image NAME REF ENTRYPOINT-JSON [CMD-JSON]
image() {
  rootfs "$1"
  if [ -n "${4:-}" ]; then
    tar -C "$work/$1" -c . | docker import --change "ENTRYPOINT $3" --change "CMD $4" - "$2" >/dev/null
  else
    tar -C "$work/$1" -c . | docker import --change "ENTRYPOINT $3" - "$2" >/dev/null
  fi
}

image k3s "envctl-fake/k3s:$tag" '["/bin/k3s"]' '["server"]'
image k3d-proxy "envctl-fake/k3d-proxy:$tag" '["/entrypoint.sh"]'
image k3d-tools "envctl-fake/k3d-tools:$tag" '["/entrypoint.sh"]'
image kind-node "envctl-fake/kind-node:$tag" '["/usr/local/bin/entrypoint", "/sbin/init"]'
