"""Annual figures: HTML, CSV and JSON, each also for publication."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.allocation import report
from chalicelib.allocation.routes import bp
from chalicelib.audit.service import record
from chalicelib.auth.roles import FINANCE, STAFF
from chalicelib.errors import N_
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import api, page
from chalicelib.web.schema import BOOL, array, integer, obj, text
from chalicelib.web.spreadsheet import csv_response, csv_text, kroner, number

REPORT_ROLES = (FINANCE, STAFF)  # admin passes too
add_staff_link("/staff/reports", N_("Annual figures"), REPORT_ROLES, order=85)


def _report(ctx, year: str) -> report.Report:
    wanted = report.parse_year(year)
    publication = ctx.query.get("publication") in ("1", "true", "yes")
    record(ctx.user.actor, "read", "annual_report", str(wanted))
    return report.annual_report(wanted, ctx.gettext, publication, ctx.lang)


@page(bp, "/staff/reports", roles=REPORT_ROLES)
def reports_home(ctx):
    return ctx.redirect(f"/staff/reports/{datetime.now(UTC).year}", status=302)


@page(bp, "/staff/reports/{year}", roles=REPORT_ROLES)
def annual(ctx, year):
    built = _report(ctx, year)
    return ctx.render("allocation/report.html", report=built,
                      sections=report.SECTIONS, small=report.SMALL)


@page(bp, "/staff/reports/{year}/figures.csv", roles=REPORT_ROLES)
def annual_csv(ctx, year):
    built = _report(ctx, year)
    suffix = "-publication" if built.publication else ""
    return csv_response(f"figures-{built.year}{suffix}.csv",
                        as_csv(built, ctx.gettext, ctx.lang))


@api(bp, "/api/reports/{year}", roles=REPORT_ROLES,
     path_params={"year": text(4, pattern="^[0-9]{4}$")},
     answer=obj({"year": integer(), "publication": BOOL, "small_count": integer(),
                 "sections": {"type": "object",
                              "additionalProperties": array({"type": "object"})}}))
def annual_json(ctx, year):
    return ctx.json_response(_report(ctx, year).as_json())



def as_csv(built: report.Report, _, lang: str) -> str:
    """One row per figure: its section and name, in `lang`."""
    hidden = _("hidden")
    header = [_(title) for title in (N_("Section"), N_("Name"), N_("Count"),
                                     N_("Amount (NOK)"), N_("Units or hours"))]
    return csv_text(header, (
        (_(report.SECTIONS.get(figure.section, figure.section)), figure.label,
         hidden if figure.suppressed else (
             "" if figure.count is None else str(figure.count)),
         hidden if figure.suppressed else (
             "" if figure.amount is None else kroner(figure.amount, lang)),
         "" if figure.quantity is None else number(figure.quantity, lang))
        for figure in built.figures))
