"""Areas load on demand: the route list app.py registers is complete and current."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from devtools.routes import area_routes

ROOT = Path(__file__).resolve().parents[2]


def test_the_route_list_matches_the_areas_routes():
    committed = json.loads((ROOT / "chalicelib/web/routes.json").read_text())
    assert committed == area_routes(), "run: python -m devtools.routes"


def test_a_cold_start_answers_health_without_loading_any_area():
    code = ("import sys; import app; "
            "areas = [m for m in sys.modules if m.startswith('chalicelib.') and "
            "m.split('.')[1] not in ('core', 'auth', 'audit', 'web', 'config', 'db',"
            " 'errors', 'money', 'demo', 'clients')]; print(areas)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, env={"STAGE": "test", "PATH": "/usr/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
