#!/bin/bash
# Antrieb stack image recipe: podman = debian12 + Podman, Buildah and Skopeo (Debian packages).
# Runs as root inside a fresh debian12 node; the node's disk then becomes the image. Its hash (with the
# base recipe's) keys the image cache: edit this file and the image is rebuilt on next use.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends podman buildah skopeo crun conmon catatonit uidmap slirp4netns fuse-overlayfs containernetworking-plugins golang-github-containers-common
apt-get clean
rm -rf /var/lib/apt/lists/*
podman --version
