"""`triage keys`: create the first admin key (and any other), list and revoke keys.

The database is the service's own (TRIAGE_DATABASE_URL, else the SQLite file in
TRIAGE_DATA_DIR), so run it where the service runs, e.g. `docker exec`. A new key is printed
once, alone on stdout, so a script can capture it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from app.core.config import Settings
from app.store.conversations import ConversationStore
from app.tenancy.keys import ROLES, create_key, list_keys, revoke_key

Subparsers = argparse._SubParsersAction  # argparse names no public type for it


def register(subparsers: Subparsers[argparse.ArgumentParser]) -> None:
    """Add `keys create|list|revoke` to the `triage` command line."""
    keys = subparsers.add_parser("keys", help="API keys: create, list, revoke")
    commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")

    create = commands.add_parser("create", help="make a key; it is printed once")
    create.add_argument("--tenant", required=True, help="the tenant (created if new)")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--name", help="what the key is for")
    create.add_argument(
        "--origin",
        action="append",
        default=[],
        help="widget keys: a page allowed to use it, scheme://host[:port] (repeatable)",
    )
    create.set_defaults(func=_create)

    listing = commands.add_parser("list", help="the tenant's keys, never the keys themselves")
    listing.add_argument("--tenant", required=True)
    listing.set_defaults(func=_list)

    revoke = commands.add_parser("revoke", help="revoke a key by its id (key_...)")
    revoke.add_argument("--tenant", required=True)
    revoke.add_argument("key_id")
    revoke.set_defaults(func=_revoke)


@contextmanager
def open_store(args: argparse.Namespace) -> Iterator[ConversationStore]:
    settings: Settings = getattr(args, "settings", None) or Settings()
    store = ConversationStore.open(
        settings.database_url or "sqlite:///", data_dir=settings.data_dir
    )
    try:
        yield store
    finally:
        store.close()


def _create(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        made = create_key(store, args.tenant, args.role, name=args.name, origins=args.origin)
    print(made.secret)
    print(
        f"created {made.key.id} ({made.key.role}) for tenant {made.key.tenant_id}. "
        "Keep the key now: only its hash is stored.",
        file=sys.stderr,
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        keys = list_keys(store, args.tenant)
    for key in keys:
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        origins = " ".join(key.allowed_origins)
        print(f"{key.id}  {key.role:<7}  {key.prefix}...  {state}  {key.name or ''}  {origins}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        revoked = revoke_key(store, args.tenant, args.key_id)
    if revoked is None:
        print(f"triage: error: tenant {args.tenant} has no key {args.key_id}", file=sys.stderr)
        return 1
    print(f"revoked {revoked.id}", file=sys.stderr)
    return 0
