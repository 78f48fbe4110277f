#!/bin/bash
# The dev overlay's pod spec on the real image, without a cluster: podman runs the migration
# Job's program, then the server container as the kubelet would (uid 10001, read-only root,
# every capability dropped, no privilege escalation, fresh 0777 directories for the emptyDirs,
# the memory and CPU limits, the ConfigMap as environment and the bank mounted), on this
# machine's PostgreSQL (a scratch database, dropped after) and Redis. It prints what it sees.
#
#   deploy/podman_pod_check.sh          # IMAGE=localhost/sentiment-triage:latest (make image)
set -euo pipefail
cd "$(dirname "$0")/.."
# podman's settings for this machine, if `make image` wrote them (scripts/image_build.sh).
CTR_HOME=${CTR_HOME:-${TMPDIR:-/tmp}/ctr-local}
if [ -f "$CTR_HOME/env.sh" ]; then . "$CTR_HOME/env.sh"; fi
IMAGE=${IMAGE:-localhost/sentiment-triage:latest}
PORT=${PORT:-18437}
PG=${PG:-postgresql+psycopg://postgres@127.0.0.1:5432}
REDIS=${REDIS:-redis://127.0.0.1:6379/5}
PY=.venv/bin/python
out=$(mktemp -d)
name=podcheck-$$
db=podcheck_$$
trap 'podman rm -f $name >/dev/null 2>&1 || true; psql -U postgres -h 127.0.0.1 -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; rm -rf "$out"' EXIT
psql -U postgres -h 127.0.0.1 -d postgres -qc "CREATE DATABASE $db"
url="$PG/$db"
key=$($PY -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')

kubectl kustomize deploy/k8s/overlays/dev > "$out/dev.yaml"
$PY - "$out" <<'PY'
import sys
from pathlib import Path

import yaml

out = Path(sys.argv[1])
docs = [d for d in yaml.safe_load_all((out / "dev.yaml").read_text()) if d]
deployment = next(d for d in docs if d["kind"] == "Deployment")
job = next(d for d in docs if d["kind"] == "Job")
server = deployment["spec"]["template"]["spec"]["containers"][0]
maps = {d["metadata"]["name"]: d["data"] for d in docs if d["kind"] == "ConfigMap"}
(config,) = [maps[s["configMapRef"]["name"]] for s in server["envFrom"]]
(out / "config.env").write_text("".join(f"{k}={v}\n" for k, v in config.items() if k != "PORT"))
bank = next(v for v in deployment["spec"]["template"]["spec"]["volumes"] if v["name"] == "bank")
(out / "bank").mkdir()
for file, text in maps[bank["configMap"]["name"]].items():
    (out / "bank" / file).write_text(text)
(out / "job.py").write_text(job["spec"]["template"]["spec"]["containers"][0]["args"][2])
limits = {"job": job["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"],
          "server": server["resources"]["limits"]}
for who, limit in limits.items():
    (out / f"{who}.memory").write_text(limit["memory"].replace("Mi", "m"))
(out / "server.cpus").write_text(str(server["resources"]["limits"]["cpu"]))
PY

fresh() { d=$(mktemp -d -p "$out"); chmod 777 "$d"; echo "$d"; }  # what an emptyDir is
secure=(--read-only --user 10001 --cap-drop ALL --security-opt no-new-privileges --network host)

echo "== the migration Job, memory limit $(cat "$out/job.memory")"
podman run --rm "${secure[@]}" -v "$(fresh):/srv/data" -v "$(fresh):/tmp" \
    --memory "$(cat "$out/job.memory")" -e TRIAGE_DATABASE_URL="$url" \
    "$IMAGE" python -c "$(cat "$out/job.py")" 2> >(grep -v 'level=error' >&2)
echo "schema revision: $(psql -U postgres -h 127.0.0.1 -d "$db" -Atc 'select version_num from alembic_version')"

echo "== the server, memory limit $(cat "$out/server.memory"), $(cat "$out/server.cpus") CPUs"
start=$(date +%s.%N)
podman run -d --name $name "${secure[@]}" -v "$(fresh):/srv/data" -v "$(fresh):/tmp" \
    -v "$out/bank:/etc/triage/bank:ro" --memory "$(cat "$out/server.memory")" \
    --cpus "$(cat "$out/server.cpus")" --env-file "$out/config.env" -e PORT=$PORT \
    -e TRIAGE_DATABASE_URL="$url" -e TRIAGE_REDIS_URL="$REDIS" -e TRIAGE_SECRET_KEYS="$key" \
    "$IMAGE" >/dev/null 2> >(grep -v 'level=error' >&2)
for probe in livez readyz; do
    for _ in $(seq 600); do curl -fs localhost:$PORT/$probe >/dev/null && break; sleep 0.1; done
    echo "/$probe 200 after $(echo "$(date +%s.%N) - $start" | bc | cut -c1-4) s"
done
echo "/readyz: $(curl -s localhost:$PORT/readyz)"
api_key=$(podman exec $name triage keys create --tenant acme --role admin --name podcheck 2>/dev/null)
$PY - "$PORT" "$api_key" <<'PY'
import sys

import httpx

port, key = sys.argv[1:]
with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
    bare = client.post("/v1/triage", json={"text": "hi"}).status_code
    keyed = {"Authorization": f"Bearer {key}"}
    codes = [
        client.post(
            "/v1/triage",
            headers=keyed,
            json={"text": f"Third time I write about order {i}, refund me!", "conversation_id": f"c{i % 9}"},
        ).status_code
        for i in range(200)
    ]
    email = " ".join(f"Sentence {j} of a long complaint about the delivery." for j in range(180))[:10_000]
    batch = client.post(
        "/v1/triage/batch", headers=keyed, json={"items": [{"text": f"{email} {i}"} for i in range(32)]}
    ).status_code
print(f"without a key: {bare}; 200 calls with it: {sorted(set(codes))}; a batch of 32 long emails: {batch}")
PY
echo "memory after the load: $(podman stats --no-stream --format '{{.MemUsage}}' $name)"
# The container's own cgroup (v2): its peak, page cache included, is what the limit is
# checked against.
peak=$(podman exec $name cat /sys/fs/cgroup/memory.peak 2>/dev/null || echo)
[ -n "$peak" ] && echo "cgroup memory peak: $((peak / 1000000)) MB"
echo "ONNX graph in the data dir: $(podman exec $name ls /srv/data/onnx)"
stop=$(date +%s.%N)
podman stop -t 45 $name >/dev/null 2> >(grep -v 'level=error' >&2)
echo "SIGTERM to exit: $(echo "$(date +%s.%N) - $stop" | bc | cut -c1-4) s, exit code $(podman inspect --format '{{.State.ExitCode}}' $name)"
echo "log lines at warning or above: $(podman logs $name 2>&1 | grep -c -E '"level": "(warning|error|critical)"' || true)"
