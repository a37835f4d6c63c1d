"""The signed-in donor's pages: the home page with every gift, the yearly
statement (printable HTML), and the forms that change a monthly gift, the
tax deduction request and thanks by name (each answered by a confirmation).

Every change form carries a one-time key; a failed one shows the home page
again with what was typed (form="/my")."""

from __future__ import annotations

from chalicelib import idempotency
from chalicelib.core.clock import oslo_date
from chalicelib.errors import N_
from chalicelib.money import format_nok
from chalicelib.portal import changing, deduction, monthly, service, statement, thanks
from chalicelib.portal.web import bp, change_key, signed_in, to_sign_in
from chalicelib.web import confirm
from chalicelib.web.routing import page

DONE = {
    "amount": N_("Your monthly gift is now %(amount)s a month, from the next "
                 "payment."),
    "pause": N_("Your monthly gift is paused: no payment is taken until you "
                "resume it."),
    "resume": N_("Your monthly gift runs again from the next payment."),
    "stop": N_("Your monthly gift is stopped: no more payments will be taken. "
               "Thank you for giving!"),
}


def donor_home(ctx, email: str):
    gifts = service.gifts_of(email)
    return ctx.render("portal/home.html", email=email, gifts=gifts,
                      years=statement.years_of(gifts),
                      monthly_gifts=monthly.monthly_of(email, gifts),
                      deductions=deduction.requests_of(email),
                      tax_years=[(str(y), str(y)) for y in deduction.offered_years()],
                      giver_options=[
                          ("person", ctx.gettext(N_("Myself or another person"))),
                          ("organisation",
                           ctx.gettext(N_("A company or organisation")))],
                      thanks=thanks.current(gifts), this_year=oslo_date().year,
                      nonce=idempotency.new_nonce())


@page(bp, "/my/statement")
def yearly_statement(ctx):
    email = signed_in(ctx)
    if email is None:
        return to_sign_in(ctx)
    shown = statement.statement_of(email, ctx.query.get("year", ""))
    return ctx.render("portal/statement.html", email=email, s=shown,
                      organisation=_organisation(), today=oslo_date())


@page(bp, "/my/monthly", methods=["POST"], form="/my")
def change_monthly(ctx):
    email = signed_in(ctx)
    if email is None:
        return to_sign_in(ctx)
    form = ctx.form()
    gift_id, action = form.get("gift", ""), form.get("action", "")
    idem = change_key(form, email, "portal.monthly", {
        "gift": gift_id, "action": action,
        "amount": form.get("amount", "") if action == "amount" else ""})

    def act():
        done = changing.change_monthly(email, gift_id, action, form.get("amount", ""),
                                      idem)
        return _changed(ctx, ctx.gettext(DONE[done.action],
                                         amount=format_nok(done.amount)))

    if action != "stop":
        return act()
    gift = monthly.own_gift(email, gift_id)
    return confirm.ask_first(ctx, confirm.Question(
        ctx.gettext(N_("Stop your monthly gift?")),
        ctx.gettext(N_("Your monthly gift of %(amount)s is stopped at once: no more "
                       "payments are taken. To give again later, start a new gift "
                       "on the donation page."), amount=format_nok(gift.amount)),
        ctx.gettext(N_("Stop the monthly gift")), "/my"), act)


@page(bp, "/my/tax", methods=["POST"], form="/my")
def change_deduction(ctx):
    email = signed_in(ctx)
    if email is None:
        return to_sign_in(ctx)
    form = ctx.form()
    withdrawing = form.get("action") == "withdraw"
    action = deduction.WITHDRAW if withdrawing else deduction.ADD
    idem = change_key(form, email, "portal.deduction",
                      deduction.fingerprint_data(form, action))
    if not withdrawing:
        done = deduction.add_request(email, form, ctx.lang, idem)
        shown = deduction.requests.find(int(done.subject), email)
        return _changed(ctx, ctx.gettext(
            N_("We will report your gifts of %(year)s for the tax deduction: "
               "%(name)s, %(number)s."), year=done.subject,
            name=shown.name if shown else "", number=shown.masked if shown else ""))
    year = str(deduction.limits.check_year(form.get("year", "")))

    def act():
        deduction.withdraw_request(email, year, idem)
        return _changed(ctx, ctx.gettext(
            N_("Your tax deduction request for %(year)s is withdrawn and the number "
               "deleted: nothing is reported for that year."), year=year))

    return confirm.ask_first(ctx, confirm.Question(
        ctx.gettext(N_("Withdraw the tax deduction request for %(year)s?"), year=year),
        ctx.gettext(N_("We delete the number you gave and report nothing for "
                       "%(year)s, so you get no deduction for that year's gifts. You "
                       "can ask again while the year is open."), year=year),
        ctx.gettext(N_("Withdraw the request")), "/my"), act)


@page(bp, "/my/thanks", methods=["POST"], form="/my")
def change_thanks(ctx):
    email = signed_in(ctx)
    if email is None:
        return to_sign_in(ctx)
    form = ctx.form()
    wanted = thanks.parse(form)
    idem = change_key(form, email, "portal.thanks", wanted._asdict())
    done = thanks.set_thanks(email, wanted, idem)
    if done.subject:
        return _changed(ctx, ctx.gettext(
            N_("We thank you as %(name)s in the list of givers, for this year's "
               "gifts and the coming months of your monthly gifts."),
            name=done.subject))
    return _changed(ctx, ctx.gettext(
        N_("Your name is not in the list of givers: this year's gifts and the "
           "coming months of your monthly gifts are anonymous there.")))


def _changed(ctx, message: str):
    return ctx.render("portal/changed.html", message=message)


def _organisation() -> str:
    from chalicelib.donations.settings import donation_settings

    return donation_settings().organisation
