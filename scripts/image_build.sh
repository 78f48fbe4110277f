#!/usr/bin/env bash
# `make image`: build the service's container image with podman.
#
#   scripts/image_build.sh                          # BASE chosen as below
#   BASE=docker.io/library/python:3.11-slim scripts/image_build.sh
#
# BASE, the image built on: when unset, Docker Hub's python:3.11-slim if a registry answers,
# else a local Debian base with Python 3.11 that build-local-base.sh (BASE_SCRIPT) builds
# from the Debian mirror, no registry needed. A BASE that is set is used as given.
# A torch 2.13.0 CPU wheel in TORCH_WHEELS is mounted into the build instead of fetching
# torch from the CPU wheel index.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/sentiment-triage:latest}
BASE=${BASE:-}
REGISTRY_BASE=docker.io/library/python:3.11-slim
LOCAL_BASE=${LOCAL_BASE:-localhost/debian-python:bookworm}
BASE_SCRIPT=${BASE_SCRIPT:-../shared/tools/build-local-base.sh}
CTR_HOME=${CTR_HOME:-${TMPDIR:-/tmp}/ctr-local}
TORCH_WHEELS=${TORCH_WHEELS:-/opt/wheels}
ONNX_RUNTIMES=${ONNX_RUNTIMES:-onnx-int8}

say() { echo "image: $*"; }
die() { echo "image: $*" >&2; exit 1; }
# podman's settings for this machine (runc, rlimits, storage), written by build-local-base.sh.
use_local_conf() {
    # shellcheck disable=SC1091  # written at run time
    if [ -f "$CTR_HOME/env.sh" ]; then . "$CTR_HOME/env.sh"; fi
}

use_local_conf
if ! command -v podman >/dev/null; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        die "podman is not installed (and installing it needs root and apt)"
    fi
    say "installing podman (Debian)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman >/dev/null
fi

if [ -z "$BASE" ]; then
    if podman image exists "$REGISTRY_BASE" || timeout 120 podman pull -q "$REGISTRY_BASE" >/dev/null 2>&1; then
        BASE=$REGISTRY_BASE
    else
        say "no registry answered: building on the local base $LOCAL_BASE"
        BASE=$LOCAL_BASE
    fi
fi

if [ "$BASE" = "$LOCAL_BASE" ] && ! podman image exists "$LOCAL_BASE"; then
    [ -x "$BASE_SCRIPT" ] || die "$LOCAL_BASE is missing and $BASE_SCRIPT is not here to build it"
    # The script reads the mirrors from /etc/apt/sources.list, absent where apt has only
    # deb822 .sources files (Debian 12 images): named here then.
    sources() { cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ {print $2}' || true; }
    export MIRROR=${MIRROR:-$(sources | grep -v -- -security | head -n 1)}
    export SECURITY_MIRROR=${SECURITY_MIRROR:-$(sources | grep -- -security | head -n 1)}
    [ -n "$MIRROR" ] || unset MIRROR
    [ -n "$SECURITY_MIRROR" ] || unset SECURITY_MIRROR
    say "building $LOCAL_BASE with $BASE_SCRIPT"
    IMAGE=$LOCAL_BASE CTR_HOME=$CTR_HOME BAKE_CA=1 SMOKE=0 "$BASE_SCRIPT"
    use_local_conf
fi

args=(--format docker --tag "$IMAGE" --build-arg "BASE=$BASE" --build-arg "ONNX_RUNTIMES=$ONNX_RUNTIMES")
# torch from this machine's wheel (the CPU build) rather than from the CPU index.
if compgen -G "$TORCH_WHEELS/torch-2.13.0+cpu-*.whl" >/dev/null; then
    args+=(--volume "$(realpath "$TORCH_WHEELS"):/wheels:ro"
        --build-arg TORCH_FIND_LINKS=/wheels --build-arg TORCH_INDEX_URL=)
fi
old=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
say "podman build ${args[*]} ."
start=$SECONDS
podman build "${args[@]}" .
new=$(podman image inspect --format '{{.Id}}' "$IMAGE")
# The image this one replaces, now untagged (intermediate stages stay: the next build's cache).
if [ -n "$old" ] && [ "$old" != "$new" ]; then
    podman rmi "$old" >/dev/null 2>&1 || true
fi
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
say "built $IMAGE on $BASE in $((SECONDS - start)) s: $(((size + 500000) / 1000000)) MB"
