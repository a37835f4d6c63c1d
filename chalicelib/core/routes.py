"""Home pages, the admin's operations page, health check and the stylesheet."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.audit.service import record, record_many
from chalicelib.auth.roles import ADMIN, ANY_USER, SHELTER
from chalicelib.config import get_settings
from chalicelib.core.health import DatabaseUnavailable, dynamodb_answers
from chalicelib.errors import N_, ValidationFailed
from chalicelib.web.i18n import PUBLIC_LANGUAGES
from chalicelib.web.nav import add_staff_link
from chalicelib.web.render import TEMPLATES_DIR
from chalicelib.web.routing import api, page

bp = Blueprint(__name__)
add_staff_link("/staff/operations", N_("Operations: jobs, mail, legal holds"), (ADMIN,),
               order=90)


@page(bp, "/")
def home(ctx):
    return ctx.render("core/home.html")


# Only people who are not staff see this page (volunteers): the public languages.
@page(bp, "/me", roles=ANY_USER, languages=PUBLIC_LANGUAGES)
def my_home(ctx):
    if ctx.user.is_staff:
        return ctx.redirect("/staff")
    if SHELTER in ctx.user.roles:
        return ctx.redirect("/partner")
    return ctx.render("core/my_home.html")


def _operations_action(ctx, form: dict[str, str]) -> str:
    from chalicelib.core import mail, retention

    action, actor = form.get("action"), ctx.user.actor
    if action == "hold":
        code = retention.place_hold(form.get("client_code", ""), actor)
        return ctx.gettext("%(code)s is on legal hold.", code=code)
    if action == "lift":
        code = form.get("client_code", "")
        retention.lift_hold(code, actor)
        return ctx.gettext("The legal hold on %(code)s was lifted.", code=code)
    if action == "resend":
        message_id = form.get("message_id", "")
        mail.resend(message_id)
        record(actor, "update", "outbox", message_id)
        return ctx.gettext("The message will be sent again within 15 minutes.")
    raise ValidationFailed(message=N_("The request could not be processed."))


@page(bp, "/staff/operations", methods=["GET", "POST"], roles=(ADMIN,), form=True)
def operations_page(ctx):
    from chalicelib.core import operations, retention

    notice = _operations_action(ctx, ctx.form()) if ctx.method == "POST" else None
    holds = list(retention.holds())
    failed = operations.failed_mail()
    record_many(ctx.user.actor, "read", "client", [str(h.client_code) for h in holds])
    if failed:
        record(ctx.user.actor, "read", "outbox", "failed")
    return ctx.render(
        "core/operations.html", jobs=operations.job_statuses(), failed=failed,
        holds=holds, months=retention.retention_months(), notice=notice)


@api(bp, "/api/openapi.json", answer={"type": "object", "required": ["openapi"]})
def openapi_document(ctx):
    """This API's OpenAPI 3.1 document, built from the route declarations."""
    from chalicelib.web.openapi import document  # loads every area: only here

    response = ctx.json_response(document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


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
