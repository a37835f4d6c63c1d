"""Areas load on the first request that needs them, not at Lambda start-up.

`routes.json` (made by `python -m devtools.routes`, checked by a test) lists
every area route with the module that declares it. `register_lazy_routes`
gives Chalice a small handler per route that imports that module on first use
and dispatches through the same `web.routing` checks. Registries that need
every area (staff links, thank-you providers) call `load_all_areas()` first.
"""

from __future__ import annotations

import importlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalicelib.web.routing import CONTENT_TYPES, ROUTE_TABLE, dispatch

MANIFEST = Path(__file__).with_name("routes.json")


@lru_cache(maxsize=1)
def manifest() -> list[dict[str, Any]]:
    return list(json.loads(MANIFEST.read_text(encoding="utf-8")))


def load_all_areas() -> None:
    """Import every area's routes (and so its links and providers)."""
    modules = {entry["module"] for entry in manifest()}
    packages = {".".join(module.split(".")[:2]) + ".routes" for module in modules}
    for module in sorted(packages | modules):
        importlib.import_module(module)


def _handler(app: Any, path: str, module: str) -> Any:
    def handler(**kwargs: Any) -> Any:
        request = app.current_request
        importlib.import_module(module)
        return dispatch(request, ROUTE_TABLE[(path, request.method.upper())], kwargs)

    return handler


def register_lazy_routes(app: Any) -> None:
    for number, entry in enumerate(manifest()):
        app.route(entry["path"], methods=entry["methods"], content_types=CONTENT_TYPES,
                  name=f"lazy_{number}")(_handler(app, entry["path"], entry["module"]))
