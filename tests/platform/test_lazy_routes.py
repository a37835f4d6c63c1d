"""Areas load on demand: the route list app.py registers is complete and current."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from devtools.routes import area_routes, staff_links

ROOT = Path(__file__).resolve().parents[2]


def test_the_route_list_matches_the_areas_routes():
    committed = json.loads((ROOT / "chalicelib/web/routes.json").read_text())
    assert committed == area_routes(), "run: python -m devtools.routes"


def test_the_staff_home_link_list_matches_what_the_areas_add():
    committed = json.loads((ROOT / "chalicelib/web/staff_links.json").read_text())
    assert committed == staff_links(), "run: python -m devtools.routes"
    assert {"/staff/funds", "/staff/shelters", "/staff/audit"} <= {
        link["href"] for link in committed}


def test_the_staff_home_lists_every_area_without_loading_them():
    code = ("import sys; from chalicelib.auth.roles import User; "
            "from chalicelib.web.nav import staff_links; "
            "links = staff_links(User('u-1', 'a@example.org', ('admin',))); "
            "areas = [m for m in sys.modules if m.startswith('chalicelib.') and "
            "m.endswith('routes')]; print(len(links), areas)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, env={"STAGE": "test", "PATH": "/usr/bin"})
    assert result.returncode == 0, result.stderr
    count, loaded = result.stdout.strip().split(" ", 1)
    assert int(count) >= 14
    assert loaded == "[]"


def test_a_cold_start_answers_health_without_loading_any_area():
    code = ("import sys; import app; "
            "areas = [m for m in sys.modules if m.startswith('chalicelib.') and "
            "m.split('.')[1] not in ('core', 'auth', 'audit', 'web', 'config', 'db',"
            " 'errors', 'money', 'demo', 'clients')]; print(areas)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, env={"STAGE": "test", "PATH": "/usr/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
