#!/bin/sh
# The container's entrypoint. The service looks for its ONNX graph in the data dir and,
# missing, would export one with torch, which the image leaves out: the graphs exported at
# build time are linked there, whatever volume (empty, bind-mounted, older) is mounted on it.
set -eu
onnx_dir="${TRIAGE_DATA_DIR:-data}/onnx"
mkdir -p "$onnx_dir"
for graph in /opt/triage/onnx/*.onnx; do
    # -e is false for a link left dangling by another image: it is replaced.
    [ -e "$onnx_dir/${graph##*/}" ] || ln -sf "$graph" "$onnx_dir/"
done
exec "$@"
