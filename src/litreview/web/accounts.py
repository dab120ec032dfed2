"""Reviewers' accounts for the screening workbench: names, roles, and scrypt password hashes.

A screening server holds unpublished work, so passwords are stored only as salted scrypt hashes
(hashlib's, from OpenSSL) with their parameters, and compared in constant time. A lead may see the
reviewers' decisions side by side and record the consensus; a reviewer sees only their own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from pathlib import Path

from litreview.errors import ConfigError
from litreview.screen.commands import policy_of
from litreview.store.workspace import Workspace

ROLES = ("reviewer", "lead")
RESERVED = {"consensus"}  # the consensus decision's reviewer name (screen.decisions.CONSENSUS)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
MIN_PASSWORD = 8
# One of OWASP's equivalent scrypt floors (N=2^15, r=8, p=3): 32 MB a hash rather than the 128 MB of
# N=2^17, p=1, so a login does not double a small server's memory; ~0.35 s here.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 3


def hash_password(password: str, *, n: int = SCRYPT_N) -> str:
    """``scrypt$N$r$p$salt$hash`` (base64): the parameters travel with the hash, so they can rise later."""
    salt = os.urandom(16)
    digest = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P)
    return "$".join(("scrypt", str(n), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)))


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, base64.b64decode(digest))


def dummy_verify(password: str) -> None:
    """Spend a real hash's time on an unknown name, so timing does not tell which names exist."""
    verify_password(password, _DUMMY)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


_DUMMY = "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(b"\0" * 16), _b64(b"\0" * 32)))


def check_account(name: str, role: str, password: str) -> None:
    if not NAME.fullmatch(name) or name.lower() in RESERVED:
        raise ConfigError(
            f"account name {name!r}: use letters, digits, '.', '_', '@' and '-' (up to 64), not "
            f"{', '.join(sorted(RESERVED))}"
        )
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r} (choose {', '.join(ROLES)})")
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"the password for {name!r} is shorter than {MIN_PASSWORD} characters")


def add_user(workspace_dir: Path | str, name: str, role: str, password: str) -> bool:
    """Add an account to the workspace (or reset its role and password); True when it is new."""
    check_account(name, role, password)
    hashed = hash_password(password)
    with Workspace.existing(workspace_dir) as workspace:
        if name in policy_of(workspace).published_names:
            raise ConfigError(
                f"account name {name!r} is the name the review folder's published decisions are stored "
                "under (a reference standard, never a reviewer): choose another name"
            )
        workspace.lock(wait=5)
        with workspace.transaction():
            return workspace.put_user(name, role, hashed)


def set_password(workspace_dir: Path | str, name: str, password: str) -> None:
    """A new password for an existing account; every session it had ends."""
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"the password for {name!r} is shorter than {MIN_PASSWORD} characters")
    hashed = hash_password(password)
    with Workspace.existing(workspace_dir) as workspace:
        found = workspace.user(name)
        if found is None:
            raise ConfigError(f"{workspace.where}: no account {name!r} (add it with `litreview users add`)")
        workspace.lock(wait=5)
        with workspace.transaction():
            workspace.put_user(name, found[0], hashed)  # the same role; put_user ends the sessions


def remove_user(workspace_dir: Path | str, name: str) -> None:
    """Remove an account: its sessions end at once (the account is gone); its decisions and notes stay."""
    with Workspace.existing(workspace_dir) as workspace:
        workspace.lock(wait=5)
        with workspace.transaction():
            if not workspace.remove_user(name):
                raise ConfigError(f"{workspace.where}: no account {name!r}")


def read_password_file(path: Path) -> str:
    """The first line of a password file (its newline dropped, nothing else)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the password file: {exc}", path=path) from exc
    lines = text.splitlines()
    if not lines or not lines[0]:
        raise ConfigError("the password file's first line is empty", path=path)
    return lines[0]
