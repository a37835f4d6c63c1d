"""`python -m devtools.routes`: write chalicelib/web/routes.json, the list of
area routes that app.py registers lazily (see chalicelib/web/lazy.py), and
chalicelib/web/staff_links.json, every area's staff-home links (so the staff
home does not import every area to list them)."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
from collections import defaultdict

EAGER = {"core", "auth", "audit", "web"}  # registered as Blueprints at start


def _import_routes(eager: bool = False) -> None:
    os.environ.setdefault("STAGE", "test")
    import chalicelib

    for info in pkgutil.iter_modules(chalicelib.__path__):
        if info.ispkg and (eager or info.name not in EAGER):
            name = f"chalicelib.{info.name}.routes"
            if importlib.util.find_spec(name):
                importlib.import_module(name)


def area_routes() -> list[dict]:
    from chalicelib.web.routing import ROUTE_TABLE

    _import_routes()
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (path, method), route in ROUTE_TABLE.items():
        module = route.view.__module__
        if module.split(".")[1] not in EAGER:
            grouped[(path, module)].append(method)
    return [{"path": path, "methods": sorted(methods), "module": module}
            for (path, module), methods in sorted(grouped.items())]


def staff_links() -> list[dict]:
    """Every link an area adds to the staff home (add_staff_link), by href."""
    from chalicelib.web import nav

    _import_routes(eager=True)
    return [{"href": link.href, "label": link.label, "roles": list(link.roles),
             "order": link.order} for _, link in sorted(nav.registered().items())]


if __name__ == "__main__":
    from chalicelib.web.lazy import MANIFEST
    from chalicelib.web.nav import LINKS_FILE

    MANIFEST.write_text(json.dumps(area_routes(), indent=1) + "\n")
    links = json.dumps(staff_links(), indent=1, ensure_ascii=False)
    LINKS_FILE.write_text(links + "\n")
    print(f"wrote {MANIFEST} and {LINKS_FILE}")
