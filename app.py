"""Wiring only: the Chalice app, its middleware and the areas' Blueprints."""

from chalice import Chalice

from chalicelib.allocation.routes import bp as allocation_bp
from chalicelib.audit.routes import bp as audit_bp
from chalicelib.auth.routes import bp as auth_bp
from chalicelib.config import get_settings
from chalicelib.core.routes import bp as core_bp
from chalicelib.disbursements.routes import bp as disbursements_bp
from chalicelib.donations.routes import bp as donations_bp
from chalicelib.funds.routes import bp as funds_bp
from chalicelib.gifts.routes import bp as gifts_bp
from chalicelib.inkind.routes import bp as inkind_bp
from chalicelib.shelters.routes import bp as shelters_bp
from chalicelib.volunteers.routes import bp as volunteers_bp
from chalicelib.web.security import add_security_headers

get_settings()  # validated at start: a bad variable fails here, by name
app = Chalice(app_name="ngo-platform")


@app.middleware("http")
def security_headers(event, get_response):
    response = get_response(event)
    add_security_headers(response.headers)
    return response


for blueprint in (
    core_bp, auth_bp, audit_bp, funds_bp, donations_bp, gifts_bp, disbursements_bp,
    shelters_bp, inkind_bp, volunteers_bp, allocation_bp,
):
    app.register_blueprint(blueprint)
