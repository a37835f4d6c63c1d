"""`python -m devtools.routes`: write chalicelib/web/routes.json, the list of
area routes that app.py registers lazily (see chalicelib/web/lazy.py)."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
from collections import defaultdict

EAGER = {"core", "auth", "audit", "web"}  # registered as Blueprints at start


def area_routes() -> list[dict]:
    os.environ.setdefault("STAGE", "test")
    import chalicelib
    from chalicelib.web.routing import ROUTE_TABLE

    for info in pkgutil.iter_modules(chalicelib.__path__):
        if info.ispkg and info.name not in EAGER:
            name = f"chalicelib.{info.name}.routes"
            if importlib.util.find_spec(name):
                importlib.import_module(name)
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (path, method), route in ROUTE_TABLE.items():
        module = route.view.__module__
        if module.split(".")[1] not in EAGER:
            grouped[(path, module)].append(method)
    return [{"path": path, "methods": sorted(methods), "module": module}
            for (path, module), methods in sorted(grouped.items())]


if __name__ == "__main__":
    from chalicelib.web.lazy import MANIFEST

    MANIFEST.write_text(json.dumps(area_routes(), indent=1) + "\n")
    print(f"wrote {MANIFEST}")
