"""A destructive action asks first, without JavaScript.

The action's own form (a one-tap button on a list) posts as before; its POST
view calls `confirm.ask_first(ctx, question, act)`. Without the confirm
page's `_confirmed` field nothing is done: the answer is a page naming what
will happen, with a reason field where the record keeps one, the same form
(its CSRF token and one-time key included) behind a confirm button and a
Cancel link back. Sent from there, `act()` runs; a refused reason draws the
confirm page again with the field marked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from chalicelib.errors import ValidationFailed
from chalicelib.web import forms

CONFIRMED_FIELD = "_confirmed"  # a `_` field: not part of a request's fingerprint
FORM_NAME = "confirm"
REASON_FIELD = "reason"
# Drawn by the page itself, never copied into its hidden fields.
OWN_FIELDS = ("csrf_token", CONFIRMED_FIELD, forms.FORM_FIELD, REASON_FIELD)


class Question(NamedTuple):
    """What the confirm page says, every text translated."""

    title: str  # "Release this hold?"
    consequence: str  # what will happen, naming the record
    button: str  # "Release the hold"
    back: str  # app path of the Cancel link
    reason: str = ""  # the reason field's label; "" when the record keeps none
    reason_hint: str = ""


def confirmed(ctx: Any) -> bool:
    return ctx.form().get(CONFIRMED_FIELD) == "yes"


def ask_first(ctx: Any, question: Question, act: Callable[[], Any]) -> Any:
    """`act()` once the confirm page was sent; the confirm page before."""
    if not confirmed(ctx):
        return confirm_page(ctx, question)
    try:
        return act()
    except ValidationFailed as error:
        if not question.reason or REASON_FIELD not in error.fields:
            raise
        ctx.failure = forms.failure_for(error, ctx.form_lists(), ctx.gettext)
        return confirm_page(ctx, question)


def confirm_page(ctx: Any, question: Question) -> Any:
    sent = ctx.form_lists()
    hidden = [(name, value) for name, values in sent.items()
              if name not in OWN_FIELDS for value in values]
    lang = ctx.query.get("lang")
    return ctx.render(
        "core/confirm.html", question=question, hidden=hidden,
        action=ctx.url(ctx.path, **({"lang": lang} if lang else {})),
        reason_value=ctx.form().get(REASON_FIELD, ""),
        confirmed_field=CONFIRMED_FIELD, form_name=FORM_NAME)
