"""`make package`: the deployment zip and the SAM template for the prod stage.

Runs `chalice package --stage prod --merge-template build/merge.json build/package`,
where merge.json is infra/base.json plus every infra/tables/*.json fragment and
the IAM policy limited to those tables, then finishes the zip (`finish_zip`):

- leaves out what the Lambda Python runtime ships: boto3, botocore, s3transfer
  and botocore's own jmespath, python-dateutil, six and urllib3 (only
  botocore needs them here; the zip's copies would shadow the runtime's and
  were 2/3 of its size);
- compiles every template to a module in `templates_compiled/`
  (chalicelib/web/render.py loads them with Jinja2's ModuleLoader);
- compiles every .py to .pyc (unchecked-hash: /var/task is read-only and its
  files' times are the zip's, so a timestamp check could only fail) when this
  Python is the runtime's version (python3.11); with another version the zip
  has no .pyc and a warning says so: package with Python 3.11.

`make deploy` (devtools/deploy.py) does all of this and the upload. By hand:

    aws cloudformation package --template-file build/package/sam.json \
        --s3-bucket <bucket> --output-template-file build/packaged.json
    aws cloudformation deploy --template-file build/packaged.json \
        --stack-name ngo-platform --capabilities CAPABILITY_IAM \
        --parameter-overrides AuthIssuer=... CognitoClientId=... CognitoDomain=... \
        SecretKey=... StripeSecretKey=... StripeWebhookSecret=... PublicBaseUrl=...
"""
from __future__ import annotations

import compileall
import json
import os
import py_compile
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from devtools.infra import finish_file, merged_template

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
# Importing app.py validates the prod settings; the real values come from the
# CloudFormation parameters at deploy time, these only let the import succeed.
PACKAGING_ENV = {
    "STAGE": "prod", "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION",
                                                          "eu-north-1"),
    "SECRET_KEY": "packaging-only-" + "x" * 32,
    "AUTH_ISSUER": "https://cognito-idp.eu-north-1.amazonaws.com/packaging",
    "AUTH_AUDIENCE": "packaging", "COGNITO_DOMAIN": "https://packaging.invalid",
    "COGNITO_CLIENT_ID": "packaging", "MAIL_FROM": "packaging@packaging.invalid",
}


def package(output: Path = BUILD / "package") -> Path:
    """Build the zip and template; returns the output folder."""
    vendor_templates = ROOT / "vendor" / "templates"
    if not vendor_templates.exists():
        vendor_templates.parent.mkdir(exist_ok=True)
        vendor_templates.symlink_to("../templates")
    BUILD.mkdir(exist_ok=True)
    merge = BUILD / "merge.json"
    merge.write_text(json.dumps(merged_template(), indent=2))
    shutil.rmtree(output, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k != "DYNAMODB_HOST"}
    env.update(PACKAGING_ENV)
    chalice = Path(sys.executable).with_name("chalice")
    subprocess.run([str(chalice), "package", "--stage", "prod", "--merge-template",
                    str(merge), str(output)], cwd=ROOT, env=env, check=True)
    finish_file(output / "sam.json")
    finish_zip(output / "deployment.zip", runtime_of(output / "sam.json"))
    return output


# What the Lambda Python runtime provides: top-level names in the zip (packages,
# modules and their dist-info folders) left out of it.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six",
                    "python_dateutil", "urllib3")
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # the same bytes for the same sources


def runtime_of(sam: Path) -> str:
    """The functions' runtime in the template, e.g. `python3.11`."""
    resources = json.loads(sam.read_text())["Resources"].values()
    runtimes = {r["Properties"]["Runtime"] for r in resources
                if r["Type"] == "AWS::Serverless::Function"}
    if len(runtimes) != 1:
        raise SystemExit(f"expected one runtime in {sam}, found {sorted(runtimes)}")
    return runtimes.pop()


def local_runtime() -> str:
    return f"python{sys.version_info.major}.{sys.version_info.minor}"


def provided_by_runtime(name: str) -> bool:
    top = name.split("/", 1)[0]
    stem = top.removesuffix(".py").split("-", 1)[0]
    return stem in RUNTIME_PROVIDED


def finish_zip(zip_path: Path, runtime: str, templates: bool = True) -> None:
    """Rewrite `zip_path` as described above (docstring of this module)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "package"
        with zipfile.ZipFile(zip_path) as original:
            original.extractall(root, [n for n in original.namelist()
                                       if not provided_by_runtime(n)])
        if templates:
            precompile_templates(root / "templates_compiled")
        if runtime == local_runtime():
            compile_bytecode(root)
        else:
            print(f"WARNING: no .pyc in {zip_path.name}: this is {local_runtime()}, "
                  f"the Lambda runtime is {runtime}; package with {runtime} for a "
                  "fast cold start", file=sys.stderr)
        write_zip(zip_path, root)


def precompile_templates(target: Path) -> None:
    from chalicelib.web.render import environment

    environment("en", source=True).compile_templates(
        str(target), zip=None, filter_func=lambda name: name.endswith(".html"),
        ignore_errors=False, log_function=lambda _message: None)


def compile_bytecode(root: Path) -> None:
    ok = compileall.compile_dir(
        str(root), quiet=1, ddir="/var/task", workers=0,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    if not ok:
        raise SystemExit(f"compileall failed in {root}")


def write_zip(zip_path: Path, root: Path) -> None:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), ZIP_TIME)
            info.external_attr = 0o100644 << 16  # a regular file anyone may read
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, path.read_bytes(), compresslevel=9)


def package_reference(output: Path) -> Path:
    """bench/reference packaged the same way (bench/cold_path.py --packaged)."""
    reference = ROOT / "bench" / "reference"
    shutil.rmtree(output, ignore_errors=True)
    chalice = Path(sys.executable).with_name("chalice")
    env = {k: v for k, v in os.environ.items() if k != "DYNAMODB_HOST"}
    subprocess.run([str(chalice), "package", "--stage", "prod", str(output)],
                   cwd=reference, env=env, check=True, capture_output=True)
    finish_zip(output / "deployment.zip", runtime_of(output / "sam.json"),
               templates=False)
    return output


def unpack_read_only(zip_path: Path, folder: Path) -> Path:
    """`zip_path` unpacked as Lambda's /var/task, for running it here: files
    and folders without write permission (a root process still could write:
    callers check nothing new appeared), and a native extension built for
    another machine (the zip's are aarch64) replaced by this environment's
    build of the same package."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(folder)
    for top in sorted(_foreign_native(folder)):
        _replace_with_local(folder, top)
    _read_only(folder)
    return folder


def lambda_runtime_path(folder: Path) -> Path:
    """A folder with what the Lambda runtime adds to the path: this
    environment's boto3, botocore and their dependencies."""
    folder.mkdir(parents=True, exist_ok=True)
    import botocore

    site = Path(botocore.__file__).resolve().parents[1]
    for entry in site.iterdir():
        if provided_by_runtime(entry.name):
            (folder / entry.name).symlink_to(entry)
    return folder


def _foreign_native(folder: Path) -> Iterable[str]:
    here = _elf_machine(Path(sys.executable).resolve())
    for path in folder.rglob("*.so"):
        if _elf_machine(path) != here:
            yield path.relative_to(folder).parts[0]


def _elf_machine(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(20)[18:20]


def _replace_with_local(folder: Path, top: str) -> None:
    import importlib.util

    target = folder / top
    name = top.split(".", 1)[0]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{top} is built for another machine and not installed here")
    local = Path(spec.origin)
    if target.is_dir():
        shutil.rmtree(target)
        shutil.copytree(local.parent, target)
    else:
        target.unlink()
        shutil.copy2(local, folder / local.name)


def _read_only(folder: Path) -> None:
    for path in [*folder.rglob("*"), folder]:
        if not path.is_symlink():
            path.chmod(0o555 if path.is_dir() else 0o444)


if __name__ == "__main__":
    folder = package()
    print(f"Built {folder / 'deployment.zip'} and {folder / 'sam.json'}")
