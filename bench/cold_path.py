"""Cold path: the median, over fresh processes, of the time to import `app` and
answer `/`, `/donate`, `/staff` (logged in as staff) and one new signed
Stripe webhook, as API Gateway sends them, beside bench/reference/app.py (a
minimal Chalice + PynamoDB + Jinja2 app) making the same DynamoDB calls and
rendering one template per page. Both talk to the same embedded DynamoDB
(moto's server, in this process) with the demo data loaded.

    .venv/bin/python bench/cold_path.py [runs]             # goal ratio <= 1.15
    .venv/bin/python bench/cold_path.py --packaged [runs]  # goal ratio <= 1.2

`--packaged`: both from their deployment zips (devtools/package.py, the same
post-processing for both), unzipped into folders the children may not write,
started with `python -S` (no site-packages) and PYTHONDONTWRITEBYTECODE=1,
with only boto3 and botocore added to the path, as the Lambda runtime has them.
Source mode first byte-compiles both trees (as pip did for site-packages and
the zip does for itself), so that neither child times the compiler: with
PYTHONDONTWRITEBYTECODE set in the shell, every child would otherwise
recompile the app's hundred-odd modules and only those.

The DynamoDB calls the reference makes are recorded from one untimed run of
ours first. Each child is timed from `import app` to the last answer, without
making the staff session (in the test stage a local key pair stands in for
Cognito's). The last line is `ratio=<app/reference>`.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, start_stack  # noqa: E402

CHILD = ROOT / "bench" / "_cold_child.py"
REFERENCE = ROOT / "bench" / "reference"
PAGES = ("import", "/", "/donate", "/staff", "/webhooks/stripe")


def seed() -> None:
    from chalicelib.db import put_if_absent
    from chalicelib.demo import load_demo_data
    from chalicelib.donations.models import Campaign

    load_demo_data(os.environ["DEMO_PASSWORD"])
    put_if_absent(Campaign("cold-path", names={"en": "Cold path"}, fund_id="christmas",
                           goal=1_000_000_00, starts="2000-01-01", ends="2099-12-31"))


def child(kind: str, folder: Path, run: str, env: dict[str, str],
          python: list[str]) -> dict:
    result = subprocess.run([*python, str(CHILD), kind, str(folder), run], env=env,
                            capture_output=True, text=True, cwd=tempfile.gettempdir())
    if result.returncode != 0:
        raise SystemExit(f"{kind} run {run} failed:\n{result.stdout}\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def folders(packaged: bool, work: Path) -> tuple[Path, Path, dict[str, str]]:
    """Where ours and the reference run from, and what the children add to
    the environment."""
    if not packaged:
        import compileall

        for tree in (ROOT / "app.py", ROOT / "chalicelib", REFERENCE):
            compiled = (compileall.compile_file(tree, quiet=1) if tree.is_file()
                        else compileall.compile_dir(tree, quiet=1))
            if not compiled:
                raise SystemExit(f"compileall failed in {tree}")
        return ROOT, REFERENCE, {}
    from devtools.package import (
        lambda_runtime_path,
        package,
        package_reference,
        unpack_read_only,
    )

    app_zip = package(work / "app-package") / "deployment.zip"
    reference_zip = package_reference(work / "reference-package") / "deployment.zip"
    ours = unpack_read_only(app_zip, work / "app")
    reference = unpack_read_only(reference_zip, work / "reference")
    runtime = lambda_runtime_path(work / "runtime")  # boto3 and botocore only
    for name, zipped in (("app", app_zip), ("reference", reference_zip)):
        print(f"{name}_zip_mb={zipped.stat().st_size / 1e6:.1f}")
    return ours, reference, {"PYTHONDONTWRITEBYTECODE": "1", "COLD_RUNTIME": str(runtime)}


def main() -> None:
    args = sys.argv[1:]
    packaged = "--packaged" in args
    args = [a for a in args if a != "--packaged"]
    runs = int(args[0]) if args else 9
    start_stack()
    seed()
    python = [sys.executable, "-S"] if packaged else [sys.executable]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ours, reference, extra = folders(packaged, work)
        env = {**os.environ, **extra, "COLD_PATH_CALLS": str(work / "calls.json")}
        recorded = child("app", ours, "coldrecord",
                         {**env, "COLD_RECORD": str(work / "calls.json")}, python)
        child("reference", reference, "warm-r", env, python)  # caches and pages warm
        results: dict[str, list[dict]] = {"app": [], "reference": []}
        for n in range(runs):  # interleaved so that machine noise hits both alike
            results["app"].append(child("app", ours, f"o{n}", env, python))
            results["reference"].append(child("reference", reference, f"r{n}", env,
                                              python))
    print(f"mode={'packaged' if packaged else 'source'} runs={runs}")
    print("dynamodb_calls " + " ".join(f"{page}={count}" for page, count
                                       in recorded["calls"].items()))
    medians = {}
    for kind, samples in results.items():
        per_page = {page: statistics.median(s["ms"][page] for s in samples)
                    for page in PAGES}
        medians[kind] = statistics.median(s["total_ms"] for s in samples)
        memory = statistics.median(s["maxrss_kb"] for s in samples) / 1024
        print(f"{kind}_median_ms={medians[kind]:.1f} max_rss_mb={memory:.1f} " +
              " ".join(f"{page}={ms:.1f}" for page, ms in per_page.items()))
    memory_ratio = (statistics.median(s["maxrss_kb"] for s in results["app"])
                    / statistics.median(s["maxrss_kb"] for s in results["reference"]))
    print(f"memory_ratio={memory_ratio:.2f}")
    print(f"ratio={medians['app'] / medians['reference']:.2f}")


if __name__ == "__main__":
    main()
