"""The donor's deduction request page and its mail: /tax-deduction in the
public languages. Without a signed link the page only sends one to the email
typed in (the same answer whether or not that email has given)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.auth.ratelimit import check_and_hit
from chalicelib.core.clock import oslo_date
from chalicelib.core.mail import send_email
from chalicelib.errors import N_, ValidationFailed
from chalicelib.tax import links, requests
from chalicelib.web.i18n import translate
from chalicelib.web.routing import api, page
from chalicelib.web.schema import BOOL, integer, obj, one_of, text

bp = Blueprint(__name__)
HONEYPOT = "website"
REQUEST_BODY = obj({
    "token": text(600), "name": text(100), "identity_number": text(20),
    "giver_type": one_of(*requests.GIVER_TYPES), "year": integer(2020, 2100),
    "consent": BOOL}, required=("token", "name", "identity_number", "year", "consent"))
SHOWN = obj({"year": integer(), "name": text(100), "kind": text(20),
             "identity_number": text(11, examples=["******12345"]),
             "status": text(20)})


def send_link(email: str, lang: str) -> None:
    """Mail the signed link to `email` (never says whether it has given)."""
    from chalicelib.donations.settings import donation_settings

    settings = donation_settings()
    body = "\n".join([
        translate(lang, N_("You asked for the link to request a tax deduction for your "
                           "gifts to %(org)s."), org=settings.organisation),
        "", links.request_url(settings.public_base_url, email, lang), "",
        translate(lang, N_("If you did not ask for it, you can ignore this email."))])
    send_email(email, translate(lang, N_("Your tax deduction link")), body,
               sender=settings.email_from)


def _year_options(ctx) -> list[tuple[str, str]]:
    this = oslo_date().year
    return [(str(y), str(y)) for y in (this, this - 1)]


def _show(ctx, email: str | None, done=None):
    year = int(ctx.query.get("year") or oslo_date().year) if str(
        ctx.query.get("year", "")).isdigit() else oslo_date().year
    return ctx.render("tax/request.html", email=email, token=ctx.query.get("t", ""),
                      year=year, year_options=_year_options(ctx), done=done,
                      existing=requests.find(year, email) if email else None,
                      giver_options=[
                          ("person", ctx.gettext("Myself or another person")),
                          ("organisation", ctx.gettext("A company or organisation"))])


@page(bp, "/tax-deduction", methods=["GET", "POST"], form=True)
def request_page(ctx):
    email = links.email_of(ctx.query.get("t", ""))
    if ctx.method == "GET":
        return _show(ctx, email)
    form = ctx.form()
    if form.get(HONEYPOT):
        return ctx.render("tax/link_sent.html")
    if email is None:
        wanted = form.get("email", "").strip().lower()
        if not requests.EMAIL.match(wanted) or len(wanted) > 254:
            raise ValidationFailed({"email": N_("Enter a valid email address.")})
        # a few links an hour per address and per sender: no mail bombing
        check_and_hit(f"tax-link:{ctx.client_ip}", 10, 3600)
        check_and_hit(f"tax-link:{wanted}", 3, 3600)
        send_link(wanted, ctx.lang)
        return ctx.render("tax/link_sent.html")
    done = requests.submit(requests.parse(form, email, ctx.lang))
    return ctx.render("tax/request_done.html", done=done)


@api(bp, "/api/tax/requests", methods=["POST"], body=REQUEST_BODY, answer=SHOWN,
     status=201)
def request_api(ctx):
    data = ctx.json()
    email = links.email_of(str(data.get("token") or ""))
    if email is None:
        raise ValidationFailed({"token": N_("This link is not valid. Ask for a new "
                                            "one on the tax deduction page.")})
    done = requests.submit(requests.parse(data, email, ctx.lang))
    return ctx.json_response(shown_json(done), status=201)


def shown_json(item: requests.ShownRequest) -> dict:
    return {"year": item.year, "name": item.name, "kind": item.kind,
            "identity_number": item.masked, "status": item.status}
