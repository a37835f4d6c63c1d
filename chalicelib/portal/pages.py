"""The signed-in donor's pages: the home page with every gift, the yearly
statement (printable HTML), and the forms that change a monthly gift, the
tax deduction request and thanks by name (each answered by a confirmation)."""

from __future__ import annotations

from chalicelib.core.clock import oslo_date
from chalicelib.portal import service, statement
from chalicelib.portal.web import bp, signed_in, to_sign_in
from chalicelib.web.routing import page


def donor_home(ctx, email: str):
    gifts = service.gifts_of(email)
    return ctx.render("portal/home.html", email=email, gifts=gifts,
                      years=statement.years_of(gifts))


@page(bp, "/my/statement")
def yearly_statement(ctx):
    email = signed_in(ctx)
    if email is None:
        return to_sign_in(ctx)
    shown = statement.statement_of(email, ctx.query.get("year", ""))
    return ctx.render("portal/statement.html", email=email, s=shown,
                      organisation=_organisation(), today=oslo_date())


def _organisation() -> str:
    from chalicelib.donations.settings import donation_settings

    return donation_settings().organisation
