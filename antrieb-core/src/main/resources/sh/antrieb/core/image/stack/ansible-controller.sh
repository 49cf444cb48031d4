#!/bin/bash
# Antrieb stack image recipe: ansible-controller = debian12 + Ansible (Debian's ansible-core package).
# Runs as root inside a fresh debian12 node; the node's disk then becomes the image. Its hash (with the
# base recipe's) keys the image cache: edit this file and the image is rebuilt on next use.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends ansible-core openssh-client sshpass python3-apt
apt-get clean
rm -rf /var/lib/apt/lists/*
ansible --version | head -n 1
