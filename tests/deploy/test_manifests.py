"""The Kubernetes manifests (deploy/k8s): valid against the API schemas, and true to the app.

Every overlay is rendered with `kubectl kustomize` and each object validated offline against
the Kubernetes JSON schemas that ship in the kubernetes-validate package (strict: an unknown
field fails), for the oldest Kubernetes the manifests claim and the newest the package knows.
Then what a schema cannot see: the probes reach routes the app serves, the Service reaches
the port uvicorn listens on, every setting is one the service reads, no secret is inline,
the migration Job really migrates.
"""

from __future__ import annotations

import copy
import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.core.config import Settings, Thresholds

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = sorted(
    p.name for p in (K8S / "overlays").iterdir() if (p / "kustomization.yaml").exists()
)
# The oldest release the manifests claim (docs/deploy.md) and the newest the validator ships.
KUBERNETES_VERSIONS = ("1.29.0", kubernetes_validate.utils.latest_version() + ".0")
# Settings read by something other than app/core/config.py: uvicorn's port (the image's CMD)
# and the peers uvicorn takes X-Forwarded-For from.
NOT_TRIAGE_SETTINGS = {"PORT", "FORWARDED_ALLOW_IPS"}
SECRET_NAME = re.compile(r"(URL|SECRET|PASSWORD|TOKEN|KEYS?)$")
CREDENTIALS_IN_URL = re.compile(r"\w+://[^/\s@]+:[^/\s@]+@")
KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(
    KUBECTL is None,
    reason="kubectl (with kustomize) is not installed: the overlays cannot be rendered here",
)


@functools.cache
def rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    assert KUBECTL is not None
    done = subprocess.run(
        [KUBECTL, "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"kubectl kustomize {overlay} failed:\n{done.stderr}"
    return tuple(doc for doc in yaml.safe_load_all(done.stdout) if doc)


def one(objects: tuple[dict[str, Any], ...], kind: str) -> dict[str, Any]:
    found = [o for o in objects if o["kind"] == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def server(objects: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    container: dict[str, Any] = one(objects, "Deployment")["spec"]["template"]["spec"][
        "containers"
    ][0]
    return container


def config(objects: tuple[dict[str, Any], ...]) -> dict[str, str]:
    """The data of the ConfigMap the server's environment comes from."""
    (name,) = [s["configMapRef"]["name"] for s in server(objects)["envFrom"]]
    (found,) = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == name]
    data: dict[str, str] = found["data"]
    return data


def job_script() -> str:
    """The Python program the migration Job runs, read from the base manifest."""
    job = yaml.safe_load((K8S / "base" / "migrate-job.yaml").read_text())
    args = job["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[:2] == ["python", "-c"], args
    script: str = args[2]
    return script


# --- the schemas --------------------------------------------------------------------------


@needs_kubectl
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_validates_against_the_schemas(overlay: str, version: str) -> None:
    objects = rendered(overlay)
    kinds = {o["kind"] for o in objects}
    assert {"Deployment", "Service", "ConfigMap", "Job", "PodDisruptionBudget"} <= kinds
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = ".".join(str(p) for p in exc.path)
            pytest.fail(f"{overlay}: {obj['kind']}/{obj['metadata']['name']}: {where}: {exc}")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("ports", 0, "containerPort"), "8000"),  # a string where the API wants an integer
        (("securityContext", "readOnlyRootFilesytem"), True),  # a misspelt field
        (("startupProbe", "httpGet", "port"), None),  # a required field left empty
    ],
)
def test_the_validator_rejects_a_broken_deployment(path: tuple[Any, ...], value: object) -> None:
    deployment = yaml.safe_load((K8S / "base" / "deployment.yaml").read_text())
    kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[0], strict=True)
    broken = copy.deepcopy(deployment)
    target = broken["spec"]["template"]["spec"]["containers"][0]
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[0], strict=True)


# --- true to the app ----------------------------------------------------------------------


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_reach_the_health_routes(overlay: str, client: TestClient) -> None:
    container = server(rendered(overlay))
    app = client.app
    assert isinstance(app, FastAPI)
    # Liveness must not wait on the database or the model (an outage would restart every
    # pod): /livez. Readiness must (it takes a pod out while it cannot triage): /readyz.
    expected = {"startupProbe": "livez", "livenessProbe": "livez", "readinessProbe": "readyz"}
    port_names = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe, route_name in expected.items():
        get = container[probe]["httpGet"]
        assert get["path"] == app.url_path_for(route_name), probe
        assert get["port"] in port_names or get["port"] in port_names.values(), probe
        # And a ready app answers it as the kubelet asks: a plain GET, 200.
        assert client.get(get["path"]).status_code == 200, probe


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_service_reaches_the_port_uvicorn_listens_on(overlay: str) -> None:
    objects = rendered(overlay)
    deployment, service = one(objects, "Deployment"), one(objects, "Service")
    container = server(objects)
    listening = int(config(objects)["PORT"])  # the image's CMD: uvicorn --port ${PORT}
    (port,) = container["ports"]
    assert port["containerPort"] == listening
    for service_port in service["spec"]["ports"]:
        target = service_port["targetPort"]
        assert target in (port["name"], port["containerPort"])
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    budget = one(objects, "PodDisruptionBudget")
    assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    # The migration Job's pods must not receive the Service's traffic.
    job_labels = one(objects, "Job")["spec"]["template"]["metadata"]["labels"]
    assert not service["spec"]["selector"].items() <= job_labels.items()


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_setting_is_one_the_service_reads(
    overlay: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Settings ignores unknown TRIAGE_* variables: a misspelt one would silently do nothing.
    data = config(rendered(overlay))
    for name, value in data.items():
        if name in NOT_TRIAGE_SETTINGS:
            continue
        assert name.startswith("TRIAGE_"), name
        field = name.removeprefix("TRIAGE_").lower()
        known = field in Settings.model_fields or (
            field.startswith("threshold_")
            and field.removeprefix("threshold_") in Thresholds.model_fields
        )
        assert known, f"{name} is not a setting of app/core/config.py"
        monkeypatch.setenv(name, value)
    settings = Settings()  # and every value is one it accepts
    assert str(settings.data_dir) == data["TRIAGE_DATA_DIR"]


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_writable_paths_and_the_bank_are_mounted(overlay: str) -> None:
    objects = rendered(overlay)
    container, data = server(objects), config(objects)
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    # The root filesystem is read-only: the data dir (the entrypoint links the ONNX graph
    # there) and /tmp must be volumes.
    assert data["TRIAGE_DATA_DIR"] in mounts and "/tmp" in mounts
    bank_path = Path(data["TRIAGE_BANK_PATH"])
    volumes = {
        v["name"]: v for v in one(objects, "Deployment")["spec"]["template"]["spec"]["volumes"]
    }
    bank_volume = volumes[mounts[str(bank_path.parent)]]
    (bank_map,) = [
        o
        for o in objects
        if o["kind"] == "ConfigMap" and o["metadata"]["name"] == bank_volume["configMap"]["name"]
    ]
    assert bank_path.name in bank_map["data"]


def test_the_bank_configmap_is_the_packaged_bank() -> None:
    copied = K8S / "base" / "response_bank.yaml"
    packaged = ROOT / "app" / "resources" / "response_bank.yaml"
    assert copied.read_bytes() == packaged.read_bytes(), (
        "deploy/k8s/base/response_bank.yaml differs from the packaged bank: "
        "cp app/resources/response_bank.yaml deploy/k8s/base/"
    )


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_is_inline(overlay: str) -> None:
    objects = rendered(overlay)
    assert not [o for o in objects if o["kind"] == "Secret"], "Secrets are the operator's"
    for obj in objects:
        if obj["kind"] == "ConfigMap":
            for name, value in obj["data"].items():
                assert not SECRET_NAME.search(name), f"{name} belongs in the Secret"
                assert not CREDENTIALS_IN_URL.search(value), f"credentials in {name}"
    workloads = [one(objects, "Deployment"), one(objects, "Job")]
    for workload in workloads:
        for container in workload["spec"]["template"]["spec"]["containers"]:
            for env in container.get("env", []):
                if SECRET_NAME.search(env["name"]):
                    assert "secretKeyRef" in env.get("valueFrom", {}), env["name"]
                    assert "value" not in env


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_resources_are_set_and_nothing_runs_as_root(overlay: str) -> None:
    objects = rendered(overlay)
    for workload in (one(objects, "Deployment"), one(objects, "Job")):
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] != 0
        assert pod["automountServiceAccountToken"] is False
        for container in pod["containers"]:
            resources = container["resources"]
            assert {"cpu", "memory"} <= resources["requests"].keys()
            assert "memory" in resources["limits"]
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False
            assert security["readOnlyRootFilesystem"] is True
            assert security["capabilities"]["drop"] == ["ALL"]
    # Memory request = limit for the server: the scheduler reserves what it may use.
    resources = server(objects)["resources"]
    assert resources["requests"]["memory"] == resources["limits"]["memory"]


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_shutdown_fits_the_grace_period(overlay: str) -> None:
    objects = rendered(overlay)
    data, container = config(objects), server(objects)
    grace = one(objects, "Deployment")["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    cmd = (ROOT / "Dockerfile").read_text()
    graceful = re.search(r"--timeout-graceful-shutdown (\d+)", cmd)
    assert graceful, "the image's CMD no longer bounds uvicorn's graceful shutdown"
    delay = float(data["TRIAGE_SHUTDOWN_DELAY_S"])
    assert grace > delay + int(graceful[1])
    # The readiness probe must see the 503 while requests are still served.
    readiness = container["readinessProbe"]
    assert readiness["periodSeconds"] * readiness["failureThreshold"] < delay


@needs_kubectl
def test_production_autoscales_and_dev_runs_one() -> None:
    production = rendered("production")
    autoscaler = one(production, "HorizontalPodAutoscaler")
    assert (
        autoscaler["spec"]["scaleTargetRef"]["name"]
        == one(production, "Deployment")["metadata"]["name"]
    )
    assert autoscaler["spec"]["minReplicas"] >= 2
    assert autoscaler["spec"]["maxReplicas"] > autoscaler["spec"]["minReplicas"]
    # A fixed count would reset the autoscaler's on every apply.
    assert "replicas" not in one(production, "Deployment")["spec"]
    assert one(production, "PodDisruptionBudget")["spec"]["maxUnavailable"] == 1
    dev = rendered("dev")
    assert not [o for o in dev if o["kind"] == "HorizontalPodAutoscaler"]
    assert one(dev, "Deployment")["spec"]["replicas"] == 1


# --- the migration step -------------------------------------------------------------------


@needs_kubectl
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_migration_job_runs_the_same_image_on_the_same_database(overlay: str) -> None:
    objects = rendered(overlay)
    job = one(objects, "Job")
    (migrate,) = job["spec"]["template"]["spec"]["containers"]
    assert migrate["image"] == server(objects)["image"]
    assert "command" not in migrate  # the image's entrypoint runs first, as in the server
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"

    def database(container: dict[str, Any]) -> dict[str, Any]:
        (env,) = [e for e in container["env"] if e["name"] == "TRIAGE_DATABASE_URL"]
        ref: dict[str, Any] = env["valueFrom"]["secretKeyRef"]
        return ref

    assert database(migrate) == database(server(objects))


def migration_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.store.db import MIGRATIONS_DIR

    alembic = Config()
    alembic.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(alembic).get_current_head()
    assert head
    return head


def run_job(database_url: str | None, data_dir: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIAGE_")}
    env["TRIAGE_DATA_DIR"] = str(data_dir)
    if database_url:
        env["TRIAGE_DATABASE_URL"] = database_url
    return subprocess.Popen(
        [sys.executable, "-c", job_script()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_migration_jobs_at_once_bring_an_empty_database_to_head(
    empty_database: str, tmp_path: Path
) -> None:
    # Two at once: a Job retried while a starting pod migrates too must not collide.
    jobs = [run_job(empty_database, tmp_path / f"data{i}") for i in range(2)]
    for job in jobs:
        out, err = job.communicate(timeout=120)
        assert job.returncode == 0, err[-2000:]
        assert "database schema at head" in out
    engine = create_engine(empty_database)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()
    assert version == migration_head()


def test_the_migration_job_refuses_to_run_without_a_database(tmp_path: Path) -> None:
    job = run_job(None, tmp_path)
    _, err = job.communicate(timeout=60)
    assert job.returncode != 0
    assert "TRIAGE_DATABASE_URL is not set" in err
    assert not list(tmp_path.iterdir()), "it must not have made a SQLite file instead"
