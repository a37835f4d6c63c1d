"""The page a mailed count link opens (public, nb/en/es, no login): the
shelter says how many places are free tonight. A GET only shows the form
(mail scanners that open links use nothing up); the POST confirms. Also the
coordinator's button that mails a shelter its link now."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.shelters import links, search
from chalicelib.shelters.blueprint import COORD, bp
from chalicelib.web.routing import page


def _token(ctx) -> str:
    if str(ctx.request.method).upper() == "POST":
        return ctx.form().get("t", "")
    return ctx.query.get("t", "")


def _invalid(ctx, error: links.LinkNotValid):
    return ctx.render("shelters/count_link.html", status=error.status,
                      link_error=ctx.gettext(error.message))


@page(bp, "/shelter-count", methods=["GET", "POST"], form=True)
def count_link(ctx):
    token = _token(ctx)
    try:
        if ctx.method == "POST":
            shelter = links.confirm(token, links.parse_free(ctx.form()))
            return ctx.render("shelters/count_link.html", done=True,
                              shelter_name=shelter.name,
                              free=ctx.form().get("free", ""))
        _link, shelter = links.open_link(token)
    except links.LinkNotValid as error:
        return _invalid(ctx, error)
    row = search.availability_row(shelter, datetime.now(UTC))
    return ctx.render("shelters/count_link.html", token=token,
                      shelter_name=shelter.name, total=row["total"],
                      last_free=row["last_free"])


@page(bp, "/staff/shelters/{shelter_id}/count-link", methods=["POST"],
      roles=COORD, form="/staff/shelters/{shelter_id}")
def send_count_link(ctx, shelter_id):
    links.send_link(shelter_id, ctx.user.actor)
    from chalicelib.shelters.pages import NOTICES

    return ctx.redirect(f"/staff/shelters/{shelter_id}", flash=NOTICES["link"])
