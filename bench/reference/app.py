"""The reference for bench/cold_start.py: a minimal Chalice app that imports
PynamoDB and renders one Jinja2 template."""
import jinja2
import pynamodb.models  # noqa: F401 - the import cost is the point
from chalice import Chalice, Response

app = Chalice(app_name="reference")
TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    "<!doctype html><title>{{ title }}</title><p>{{ body }}</p>")


@app.route("/healthz")
def healthz():
    return Response(TEMPLATE.render(title="ok", body="reference"),
                    headers={"Content-Type": "text/html"})
