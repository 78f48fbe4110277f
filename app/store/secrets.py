"""Secrets at rest: helpdesk webhook secrets and credentials, encrypted with the operator's key.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under a list of keys: the first
encrypts, every one decrypts, so a key is rotated by putting the new one first and keeping the
old one until the store has re-encrypted its rows (`SecretBox.rotate`, run at start-up).
Keys come from TRIAGE_SECRET_KEYS (comma-separated) or TRIAGE_SECRET_KEYS_FILE (one a line);
with neither, one is generated once into the data directory, readable by its owner only, so
that a local `make serve` works; a deployment supplies its own and keeps it out of the
database's backups.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from app.core.config import Settings
from app.core.errors import TriageError

log = logging.getLogger("triage.secrets")
# Stored values start with this, so a plain value left by an older release is recognised.
PREFIX = "fernet:"
GENERATED_KEY_FILE = "secret-keys"


class SecretKeyError(TriageError):
    """A stored secret that none of the configured keys opens."""

    status = 500
    code = "secret_key_mismatch"


class SecretBox:
    """Encrypts and decrypts short strings under the configured keys."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys])

    @classmethod
    def from_settings(cls, settings: Settings) -> SecretBox:
        return cls(keys_from(settings))

    def seal(self, value: str) -> str:
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, stored: str) -> str:
        if not is_sealed(stored):
            return stored  # written by a release before encryption; sealed at the next start
        try:
            return self._fernet.decrypt(stored.removeprefix(PREFIX).encode()).decode()
        except InvalidToken as exc:
            raise SecretKeyError(
                "a stored secret cannot be decrypted with TRIAGE_SECRET_KEYS: the key it was "
                "written with is missing"
            ) from exc

    def rotate(self, stored: str) -> str:
        """The value sealed under the first key (a plain value is sealed for the first time)."""
        return self.seal(self.open(stored))


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def keys_from(settings: Settings) -> list[str]:
    """The operator's keys, else the generated one in the data directory (made on first use)."""
    if settings.secret_keys:
        return [k for k in settings.secret_keys.split(",") if k.strip()]
    if settings.secret_keys_file:
        lines = settings.secret_keys_file.read_text(encoding="utf-8").splitlines()
        return [line for line in lines if line.strip() and not line.startswith("#")]
    path = settings.data_dir / GENERATED_KEY_FILE
    if not path.exists():
        _generate(path)
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _generate(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created with owner-only permissions from the start: never world-readable, not even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(Fernet.generate_key().decode() + "\n")
    log.warning(
        "no TRIAGE_SECRET_KEYS given: generated a key for secrets at rest",
        extra={"path": str(path)},
    )
