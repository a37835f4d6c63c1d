"""Home pages, health check and the stylesheet."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.auth.roles import ANY_USER
from chalicelib.config import get_settings
from chalicelib.core.health import DatabaseUnavailable, dynamodb_answers
from chalicelib.web.render import TEMPLATES_DIR
from chalicelib.web.routing import api, page

bp = Blueprint(__name__)


@page(bp, "/")
def home(ctx):
    return ctx.render("core/home.html")


@page(bp, "/me", roles=ANY_USER)
def my_home(ctx):
    if ctx.user.is_staff:
        return ctx.redirect("/staff")
    return ctx.render("core/my_home.html")


@api(bp, "/healthz")
def healthz(ctx):
    if not dynamodb_answers():
        raise DatabaseUnavailable()
    return ctx.json_response(
        {"status": "ok", "stage": get_settings().stage, "dynamodb": True}
    )


@bp.route("/static/app.css")
def stylesheet():
    css = (TEMPLATES_DIR / "static" / "app.css").read_text(encoding="utf-8")
    return Response(
        css,
        headers={
            "Content-Type": "text/css; charset=utf-8",
            "Cache-Control": "public, max-age=3600",
        },
    )
