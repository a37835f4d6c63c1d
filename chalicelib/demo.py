"""Demo data: each area may have a `demo.py` with `load(password)`; loading
twice changes nothing (every item is written only if absent)."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

import chalicelib
from chalicelib.auth.roles import ALL_ROLES, SHELTER
from chalicelib.auth.service import ensure_local_user

DEMO_USERS = {f"{role}@demo.local": [role] for role in ALL_ROLES}
DEMO_USERS["bergen@demo.local"] = [SHELTER]
# Partner logins of two demo shelters (chalicelib/shelters/demo.py).
DEMO_SHELTERS = {"shelter@demo.local": ["lauras-hus"],
                 "bergen@demo.local": ["krisesenter-bergen"]}


def load_demo_data(password: str) -> None:
    for email, roles in DEMO_USERS.items():
        ensure_local_user(email, password, roles, DEMO_SHELTERS.get(email))
    for info in sorted(pkgutil.iter_modules(chalicelib.__path__), key=lambda i: i.name):
        name = f"chalicelib.{info.name}.demo"
        if info.ispkg and importlib.util.find_spec(name) is not None:
            importlib.import_module(name).load()
