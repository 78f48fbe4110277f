"""Who is calling: the tenant and role behind a request.

With auth off (local use) every request acts as the default tenant's admin. The tenancy work
(issue 7) fills in API keys; other modules only rely on `Principal` and `PrincipalDep`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request

Role = Literal["admin", "service", "widget"]
DEFAULT_TENANT = "default"


@dataclass(frozen=True)
class Principal:
    tenant_id: str
    role: Role
    key_id: str | None = None  # None when auth is off


LOCAL_ADMIN = Principal(tenant_id=DEFAULT_TENANT, role="admin")


def get_principal(request: Request) -> Principal:
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal or LOCAL_ADMIN


PrincipalDep = Annotated[Principal, Depends(get_principal)]
