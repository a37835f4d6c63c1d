"""Finance's tax page `/staff/tax/<year>` (nb, en, es): the year's limits
(a form: minimum and maximum in kroner, closed for requests), its units
with masked numbers, sums, what was reported and rejected, gifts above the
minimum without a request; buttons to prepare, send (again) and check the
feedback of a delivery, and its XML file for a manual upload."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import idempotency
from chalicelib.audit.service import record
from chalicelib.auth.roles import ADMIN, FINANCE
from chalicelib.core.clock import oslo_date
from chalicelib.errors import N_, ValidationFailed
from chalicelib.money import kroner_field, kroner_text
from chalicelib.tax import delivery, feedback, limits, report
from chalicelib.web.i18n import PUBLIC_LANGUAGES
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import page

bp = Blueprint(__name__)
ROLES = (FINANCE, ADMIN)
PAGE = "/staff/tax/{year}"
add_staff_link("/staff/tax", N_("Tax deduction report"), ROLES, order=34)
DONE = {"prepared": N_("The delivery is prepared. Check it, then send it."),
        "sent": N_("The delivery was sent. Check for feedback later."),
        "feedback": N_("The feedback was checked."),
        "limits": N_("The limits were saved."),
        "closed": N_("The limits were saved. The year is closed: donors can no "
                     "longer add or change requests for it."),
        "again": N_("These limits were already saved; they were not saved "
                    "again.")}  # said once (web/flash.py)


@page(bp, "/staff/tax", roles=ROLES, languages=PUBLIC_LANGUAGES)
def tax_home(ctx):
    return ctx.redirect(f"/staff/tax/{oslo_date().year - 1}?lang={ctx.lang}")


@page(bp, PAGE, roles=ROLES, languages=PUBLIC_LANGUAGES)
def tax_page(ctx, year):
    wanted = limits.check_year(year)
    built = report.build(wanted)
    record(ctx.user.actor, "read", "tax-report", str(wanted))
    this = oslo_date().year
    return ctx.render(
        "tax/staff.html", report=built, year=wanted,
        years=list(range(this, limits.FIRST_YEAR - 1, -1)),
        reported=[u for u in built.units if u.reported is not None],
        rejected=[u for u in built.units if u.status == "rejected"],
        limit_values={"minimum": kroner_text(built.limits.minimum),
                      "maximum": kroner_text(built.limits.maximum)},
        nonce=idempotency.new_nonce())


def _back(ctx, year: int, done: str):
    return ctx.redirect(f"/staff/tax/{year}", flash=DONE[done])


@page(bp, "/staff/tax/{year}/limits", methods=["POST"], roles=ROLES, form=PAGE,
      languages=PUBLIC_LANGUAGES)
def save_limits(ctx, year):
    """The limits form: kroner with a comma or a point; a bad field draws
    the page again with what was typed (422), nothing saved."""
    wanted = limits.check_year(year)
    form = ctx.form()
    amounts, errors = {}, {}
    for name in ("minimum", "maximum"):
        try:
            amounts[name] = kroner_field(form.get(name), name)
        except ValidationFailed as error:
            errors.update(error.fields)
    if errors:
        raise ValidationFailed(errors)
    closed = form.get("closed") == "yes"
    idem = idempotency.from_form(ctx, form, limits.SET, {
        "year": wanted, **amounts, "closed": closed})
    _, saved = limits.set_limits_once(wanted, amounts["minimum"], amounts["maximum"],
                                      closed, ctx.user.actor, idem)
    return _back(ctx, wanted, "again" if not saved else
                 "closed" if closed else "limits")


@page(bp, "/staff/tax/{year}/prepare", methods=["POST"], roles=ROLES, form=PAGE,
      languages=PUBLIC_LANGUAGES)
def prepare_delivery(ctx, year):
    wanted = limits.check_year(year)
    delivery.prepare(wanted, ctx.user.actor)
    return _back(ctx, wanted, "prepared")


@page(bp, "/staff/tax/{year}/deliveries/{delivery_id}/send", methods=["POST"],
      roles=ROLES, form=PAGE, languages=PUBLIC_LANGUAGES)
def send_delivery(ctx, year, delivery_id):
    wanted = limits.check_year(year)
    delivery.send(wanted, delivery_id, ctx.user.actor)
    return _back(ctx, wanted, "sent")


@page(bp, "/staff/tax/{year}/deliveries/{delivery_id}/feedback", methods=["POST"],
      roles=ROLES, form=PAGE, languages=PUBLIC_LANGUAGES)
def check_feedback(ctx, year, delivery_id):
    wanted = limits.check_year(year)
    feedback.check_feedback(wanted, delivery_id, ctx.user.actor)
    return _back(ctx, wanted, "feedback")


@page(bp, "/staff/tax/{year}/deliveries/{delivery_id}/rf1310.xml", roles=ROLES,
      languages=PUBLIC_LANGUAGES)
def delivery_file(ctx, year, delivery_id):
    wanted = limits.check_year(year)
    content = delivery.xml_export(wanted, delivery_id, ctx.user.actor)
    name = f"rf1310-{wanted}-{delivery_id[:8]}.xml"
    return Response(content.decode("utf-8"), headers={
        "Content-Type": "application/xml; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{name}"'})
