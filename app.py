"""Wiring only: the Chalice app, its middleware and the routes.

The platform's own Blueprints (home, login, audit) load at start-up; the
areas' routes are registered from chalicelib/web/routes.json and their code
loads on the first request that needs it (chalicelib/web/lazy.py), so a cold
Lambda answers without importing every area.
"""

from chalice import Chalice

from chalicelib.audit.routes import bp as audit_bp
from chalicelib.auth.routes import bp as auth_bp
from chalicelib.config import get_settings
from chalicelib.core.routes import bp as core_bp
from chalicelib.web.lazy import register_lazy_routes
from chalicelib.web.security import add_security_headers

get_settings()  # validated at start: a bad variable fails here, by name
app = Chalice(app_name="ngo-platform")


@app.middleware("http")
def security_headers(event, get_response):
    response = get_response(event)
    add_security_headers(response.headers)
    return response


for blueprint in (core_bp, auth_bp, audit_bp):
    app.register_blueprint(blueprint)
register_lazy_routes(app)
