"""Keys for secrets at rest: the operator's (env or file), else one generated, owner-only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from app.core.config import Settings
from app.store.secrets import GENERATED_KEY_FILE, SecretBox, SecretKeyError, is_sealed, keys_from


def test_a_sealed_value_opens_and_never_shows_the_plain_text() -> None:
    box = SecretBox([Fernet.generate_key().decode()])
    sealed = box.seal("whsec_abc")
    assert is_sealed(sealed) and "whsec_abc" not in sealed
    assert box.open(sealed) == "whsec_abc"
    assert box.open("plain from an older release") == "plain from an older release"


def test_rotation_reseals_under_the_first_key() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_old = SecretBox([old]).seal("s")
    rotated = SecretBox([new, old]).rotate(sealed_old)
    assert SecretBox([new]).open(rotated) == "s"
    with pytest.raises(SecretKeyError):
        SecretBox([old]).open(rotated)


def test_keys_come_from_the_environment_setting_first(tmp_path: Path) -> None:
    one, two = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings = Settings(data_dir=tmp_path, secret_keys=f"{one}, {two}")
    assert [k.strip() for k in keys_from(settings)] == [one, two]
    assert not (tmp_path / GENERATED_KEY_FILE).exists()


def test_keys_can_come_from_a_file(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    path = tmp_path / "keys"
    path.write_text(f"# current key first\n{key}\n", encoding="utf-8")
    assert keys_from(Settings(data_dir=tmp_path, secret_keys_file=path)) == [key]


def test_without_a_key_one_is_generated_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = keys_from(settings)
    assert keys_from(settings) == first and len(first) == 1
    mode = (tmp_path / "data" / GENERATED_KEY_FILE).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_the_key_is_not_in_the_settings_repr(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    assert key not in repr(Settings(data_dir=tmp_path, secret_keys=key))
