"""Admin routes: the tenant's API keys, widget origins, and its own bank, settings and scenarios.

Every route acts on the caller's tenant only and needs an admin key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import anyio
import yaml
from fastapi import APIRouter, Path, Request, Response

from app.api.auth import AdminDep
from app.api.deps import StoreDep, services_of
from app.api.practice_schemas import ScenarioCheck, TenantScenariosOut
from app.api.problems import error_responses
from app.api.schemas import (
    BankCheck,
    EffectiveSettingsOut,
    KeyCreated,
    KeyCreateRequest,
    KeyList,
    KeyOut,
    OriginsBody,
    RollbackRequest,
    TenantBankOut,
    TenantSettingsOut,
    VersionList,
    VersionOut,
)
from app.core.config import Settings
from app.core.errors import MalformedDocumentError, NotFoundError, UnsupportedMediaTypeError
from app.practice.library import parse_scenarios
from app.store.conversations import ConversationStore
from app.tenancy.keys import ApiKey, create_key, list_keys, revoke_key
from app.tenancy.tenants import (
    ConfigVersion,
    Kind,
    SettingsOverrides,
    current_version,
    list_versions,
    parse_bank,
    parse_settings,
    publish,
    rollback,
    set_tenant_origins,
    tenant_origins,
)

T = TypeVar("T")
router = APIRouter(prefix="/v1/admin", tags=["admin"])
ERRORS = error_responses(400, 401, 403, 404, 422, 503)
JSON_TYPES = {"application/json"}
YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}
MAX_YAML_DEPTH = 16  # a bank needs 4, a scenario set 7
BANK_BODY = {
    "requestBody": {
        "required": True,
        "description": "A bank in the format of app/resources/response_bank.yaml, "
        "as JSON or YAML (content-type application/yaml).",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}


async def run(work: Callable[..., T], *args: Any) -> T:
    return await anyio.to_thread.run_sync(work, *args)


# --- keys and origins -----------------------------------------------------------------


def key_out(key: ApiKey) -> KeyOut:
    return KeyOut(
        id=key.id,
        tenant_id=key.tenant_id,
        role=key.role,
        name=key.name,
        prefix=key.prefix,
        origins=key.allowed_origins,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


@router.post("/keys", response_model=KeyCreated, status_code=201, responses=ERRORS)
async def create_api_key(
    body: KeyCreateRequest, principal: AdminDep, store: StoreDep
) -> KeyCreated:
    """A new key for this tenant; the key itself is in this answer only."""
    made = await run(
        lambda: create_key(
            store, principal.tenant_id, body.role, name=body.name, origins=body.origins
        )
    )
    return KeyCreated(**key_out(made.key).model_dump(), key=made.secret)


@router.get("/keys", response_model=KeyList, responses=ERRORS)
async def list_api_keys(principal: AdminDep, store: StoreDep) -> KeyList:
    """The tenant's keys, revoked ones included; never the keys themselves."""
    keys = await run(list_keys, store, principal.tenant_id)
    return KeyList(keys=[key_out(k) for k in keys])


@router.delete("/keys/{key_id}", status_code=204, responses=ERRORS)
async def revoke_api_key(
    key_id: Annotated[str, Path(pattern=r"^key_[0-9a-f]{16}$")],
    principal: AdminDep,
    store: StoreDep,
    request: Request,
) -> Response:
    """Revoke a key: refused from the next request on, on every replica."""
    if await run(revoke_key, store, principal.tenant_id, key_id) is None:
        raise NotFoundError(f"no key {key_id!r}")
    services_of(request.app).key_ring.forget(key_id)
    return Response(status_code=204)


@router.get("/origins", response_model=OriginsBody, responses=ERRORS)
async def read_origins(principal: AdminDep, store: StoreDep) -> OriginsBody:
    """Pages whose chat widgets may use this tenant's widget keys."""
    return OriginsBody(origins=await run(tenant_origins, store, principal.tenant_id))


@router.put("/origins", response_model=OriginsBody, responses=ERRORS)
async def replace_origins(body: OriginsBody, principal: AdminDep, store: StoreDep) -> OriginsBody:
    """Replace the tenant's allowed origins (a widget key may add its own)."""
    cleaned = await run(set_tenant_origins, store, principal.tenant_id, body.origins)
    return OriginsBody(origins=cleaned)


# --- the tenant's response bank -------------------------------------------------------


@router.get("/bank", response_model=TenantBankOut, responses=ERRORS)
async def read_bank(request: Request, principal: AdminDep, store: StoreDep) -> TenantBankOut:
    """The bank this tenant's playbooks come from, and its version."""
    found = await run(current_version, store, principal.tenant_id, "bank")
    return bank_out(found, request)


@router.put("/bank", response_model=TenantBankOut, responses=ERRORS, openapi_extra=BANK_BODY)
async def replace_bank(request: Request, principal: AdminDep, store: StoreDep) -> TenantBankOut:
    """Replace the tenant's bank with a validated one, as a new version."""
    bank = parse_bank(await read_document(request))
    content = bank.model_dump(mode="json")
    published = await run(lambda: publish(store, principal.tenant_id, "bank", content))
    services_of(request.app).tenant_configs.forget(principal.tenant_id)
    return bank_out(published, request)


@router.post("/bank/validate", response_model=BankCheck, responses=ERRORS, openapi_extra=BANK_BODY)
async def validate_bank(request: Request, principal: AdminDep) -> BankCheck:
    """Check a bank without publishing it: 200 if valid, else 422 naming the bad entries."""
    bank = parse_bank(await read_document(request))
    return BankCheck(valid=True, bank_version=bank.version, entries=len(bank.entries))


@router.get("/bank/versions", response_model=VersionList, responses=ERRORS)
async def bank_versions(principal: AdminDep, store: StoreDep) -> VersionList:
    """Every bank version of the tenant, newest first."""
    return versions_out(await run(list_versions, store, principal.tenant_id, "bank"))


@router.post("/bank/rollback", response_model=TenantBankOut, responses=ERRORS)
async def rollback_bank(
    body: RollbackRequest, request: Request, principal: AdminDep, store: StoreDep
) -> TenantBankOut:
    """Make an earlier bank current again (as a new version); 0 is the deployment's bank."""
    restored = await roll_back(store, principal.tenant_id, "bank", body.version, request)
    return bank_out(restored, request)


def bank_out(found: ConfigVersion, request: Request) -> TenantBankOut:
    deployment_bank = services_of(request.app).tenant_configs.default("").bank
    content = found.content or deployment_bank.model_dump(mode="json")
    return TenantBankOut(
        version=found.version,
        restored_from=found.restored_from,
        created_at=found.created_at,
        bank_version=content["version"],
        entries=len(content["entries"]),
        bank=content,
    )


# --- the tenant's settings overrides --------------------------------------------------


@router.get("/settings", response_model=TenantSettingsOut, responses=ERRORS)
async def read_settings(
    request: Request, principal: AdminDep, store: StoreDep
) -> TenantSettingsOut:
    """The tenant's overrides and the settings its messages are decided with."""
    found = await run(current_version, store, principal.tenant_id, "settings")
    return settings_out(found, request)


@router.put("/settings", response_model=TenantSettingsOut, responses=ERRORS)
async def replace_settings(
    body: SettingsOverrides, request: Request, principal: AdminDep, store: StoreDep
) -> TenantSettingsOut:
    """Replace the tenant's overrides (thresholds, limits, trigger priorities), as a version."""
    content = body.model_dump(mode="json", exclude_defaults=True)
    published = await run(lambda: publish(store, principal.tenant_id, "settings", content))
    services_of(request.app).tenant_configs.forget(principal.tenant_id)
    return settings_out(published, request)


@router.post("/settings/validate", response_model=TenantSettingsOut, responses=ERRORS)
async def validate_settings(
    body: SettingsOverrides, request: Request, principal: AdminDep
) -> TenantSettingsOut:
    """Check overrides without publishing them; the answer shows the settings they give."""
    content = body.model_dump(mode="json", exclude_defaults=True)
    draft = ConfigVersion(version=0, content=content, restored_from=None, created_at=None)
    return settings_out(draft, request)


@router.get("/settings/versions", response_model=VersionList, responses=ERRORS)
async def settings_versions(principal: AdminDep, store: StoreDep) -> VersionList:
    """Every settings version of the tenant, newest first."""
    return versions_out(await run(list_versions, store, principal.tenant_id, "settings"))


@router.post("/settings/rollback", response_model=TenantSettingsOut, responses=ERRORS)
async def rollback_settings(
    body: RollbackRequest, request: Request, principal: AdminDep, store: StoreDep
) -> TenantSettingsOut:
    """Make earlier overrides current again (as a new version); 0 removes them all."""
    restored = await roll_back(store, principal.tenant_id, "settings", body.version, request)
    return settings_out(restored, request)


def settings_out(found: ConfigVersion, request: Request) -> TenantSettingsOut:
    overrides = parse_settings(found.content or {})
    settings: Settings = overrides.applied_to(services_of(request.app).settings)
    return TenantSettingsOut(
        version=found.version,
        restored_from=found.restored_from,
        created_at=found.created_at,
        overrides=found.content or {},
        effective=EffectiveSettingsOut(
            thresholds=settings.thresholds.model_dump(mode="json"),
            refund_limit=settings.refund_limit,
            discount_limit=settings.discount_limit,
            trigger_priority=settings.trigger_priority,
        ),
    )


# --- the tenant's practice scenarios -------------------------------------------------

SCENARIOS_BODY = {
    "requestBody": {
        "required": True,
        "description": "A scenario set in the format of app/resources/practice_scenarios.yaml, "
        "as JSON or YAML (content-type application/yaml).",
        "content": BANK_BODY["requestBody"]["content"],
    }
}


@router.get("/scenarios", response_model=TenantScenariosOut, responses=ERRORS)
async def read_scenarios(
    request: Request, principal: AdminDep, store: StoreDep
) -> TenantScenariosOut:
    """The practice scenarios this tenant's agents rehearse, and their version."""
    found = await run(current_version, store, principal.tenant_id, "scenarios")
    return scenarios_out(found, request)


@router.put(
    "/scenarios", response_model=TenantScenariosOut, responses=ERRORS, openapi_extra=SCENARIOS_BODY
)
async def replace_scenarios(
    request: Request, principal: AdminDep, store: StoreDep
) -> TenantScenariosOut:
    """Replace the tenant's scenarios with a validated set, as a new version."""
    content = parse_scenarios(await read_document(request)).model_dump(mode="json")
    published = await run(lambda: publish(store, principal.tenant_id, "scenarios", content))
    return scenarios_out(published, request)


@router.post(
    "/scenarios/validate",
    response_model=ScenarioCheck,
    responses=ERRORS,
    openapi_extra=SCENARIOS_BODY,
)
async def validate_scenarios(request: Request, principal: AdminDep) -> ScenarioCheck:
    """Check a scenario set without publishing it: 200 if valid, else 422 saying why."""
    found = parse_scenarios(await read_document(request))
    return ScenarioCheck(valid=True, scenarios_version=found.version, count=len(found.scenarios))


@router.get("/scenarios/versions", response_model=VersionList, responses=ERRORS)
async def scenarios_versions(principal: AdminDep, store: StoreDep) -> VersionList:
    """Every scenario set version of the tenant, newest first."""
    return versions_out(await run(list_versions, store, principal.tenant_id, "scenarios"))


@router.post("/scenarios/rollback", response_model=TenantScenariosOut, responses=ERRORS)
async def rollback_scenarios(
    body: RollbackRequest, request: Request, principal: AdminDep, store: StoreDep
) -> TenantScenariosOut:
    """Make an earlier set current again (as a new version); 0 is the shipped set."""
    restored = await roll_back(store, principal.tenant_id, "scenarios", body.version, request)
    return scenarios_out(restored, request)


def scenarios_out(found: ConfigVersion, request: Request) -> TenantScenariosOut:
    shipped = services_of(request.app).scenarios.default
    content = found.content or shipped.model_dump(mode="json")
    return TenantScenariosOut(
        version=found.version,
        restored_from=found.restored_from,
        created_at=found.created_at,
        scenarios_version=content["version"],
        count=len(content["scenarios"]),
        scenarios=content,
    )


# --- shared by every kind -------------------------------------------------------------


async def roll_back(
    store: ConversationStore, tenant_id: str, kind: Kind, version: int, request: Request
) -> ConfigVersion:
    restored = await run(rollback, store, tenant_id, kind, version)
    services_of(request.app).tenant_configs.forget(tenant_id)
    return restored


def versions_out(versions: list[ConfigVersion]) -> VersionList:
    return VersionList(
        versions=[
            VersionOut(
                version=v.version,
                restored_from=v.restored_from,
                created_at=v.created_at,
                current=index == 0,
            )
            for index, v in enumerate(versions)
        ]
    )


async def read_document(request: Request) -> object:
    """The body as JSON or YAML, by its content type."""
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    body = await request.body()
    if media in JSON_TYPES:
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise MalformedDocumentError(f"the body is not valid JSON: {exc}") from exc
    if media in YAML_TYPES:
        try:
            text = body.decode("utf-8")
            check_yaml_shape(text)
            return yaml.safe_load(text)
        except (UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
            raise MalformedDocumentError(f"the body is not valid YAML: {exc}") from exc
    raise UnsupportedMediaTypeError(
        f"send the bank as application/json or application/yaml, not {media!r}"
    )


def check_yaml_shape(text: str) -> None:
    """Refuse what no bank needs and what makes YAML costly: aliases (a few lines of them
    expand into millions of nodes) and deep nesting (PyYAML slows quadratically with it).
    Events are read lazily, so a hostile document is stopped early."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise MalformedDocumentError("YAML anchors and aliases are not accepted")
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise MalformedDocumentError(f"YAML nested deeper than {MAX_YAML_DEPTH} levels")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
