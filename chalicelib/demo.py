"""Demo data: each area may have a `demo.py` with `load(password)`; loading
twice changes nothing (every item is written only if absent)."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

import chalicelib
from chalicelib.auth.roles import ALL_ROLES
from chalicelib.auth.service import ensure_local_user

DEMO_USERS = {f"{role}@demo.local": [role] for role in ALL_ROLES}


def load_demo_data(password: str) -> None:
    for email, roles in DEMO_USERS.items():
        ensure_local_user(email, password, roles)
    for info in sorted(pkgutil.iter_modules(chalicelib.__path__), key=lambda i: i.name):
        name = f"chalicelib.{info.name}.demo"
        if info.ispkg and importlib.util.find_spec(name) is not None:
            importlib.import_module(name).load()
