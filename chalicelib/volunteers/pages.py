"""Volunteers' HTML pages: the public sign-up, a volunteer's own page and the
staff pages. Handlers parse the form, call one service function, render."""

from __future__ import annotations

import secrets

from chalicelib.auth.roles import ADMIN, VOLUNTEER
from chalicelib.errors import N_, ValidationFailed
from chalicelib.volunteers import hours, rules, service, tasks
from chalicelib.volunteers.routes import MANAGERS, bp
from chalicelib.volunteers.signup import from_form, is_spam, parse_signup
from chalicelib.web.i18n import PUBLIC_LANGUAGES
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import page

add_staff_link("/staff/volunteers", N_("Volunteers"), MANAGERS, order=60)
add_staff_link("/staff/volunteer-tasks", N_("Volunteer tasks"), MANAGERS, order=61)
VOCABULARY = dict(
    language_labels=rules.LANGUAGES,
    levels=rules.LEVELS,
    skills=rules.SKILLS,
    availabilities=rules.AVAILABILITY,
    regions=rules.REGIONS,
    statuses=rules.STATUSES,
    task_statuses=rules.TASK_STATUSES,
)


def _render(ctx, template: str, status: int = 200, **values):
    return ctx.render(f"volunteers/{template}", status=status, **VOCABULARY, **values)


@page(bp, "/volunteer", methods=["GET", "POST"], form=True)
def signup_page(ctx):
    """The public sign-up; a refused one is drawn again by the shared form
    mechanism (web/forms.py): what was typed, each bad field marked, the
    summary at the top linking to them."""
    if ctx.method == "POST":
        data = from_form(ctx.form_lists())
        if is_spam(data):
            return ctx.redirect("/volunteer/thanks")
        service.sign_up(parse_signup(data), ctx.lang, ctx.client_ip)
        return ctx.redirect("/volunteer/thanks")
    def choices(names: dict) -> list[tuple[str, str]]:
        return [(code, ctx.gettext(label)) for code, label in names.items()]

    return _render(ctx, "signup.html", level_choices=choices(rules.LEVELS),
                   skill_choices=choices(rules.SKILLS),
                   availability_choices=choices(rules.AVAILABILITY))


@page(bp, "/volunteer/thanks")
def thanks_page(ctx):
    return _render(ctx, "thanks.html")


# Said once at the top of the volunteer's page after each answer (web/flash.py).
ANSWERED = {"hours": N_("Your hours were saved. Thank you!"),
            "accept": N_("You took the task. Thank you!"),
            "decline": N_("You said no to the task; the coordinator sees it.")}


@page(bp, "/volunteer/me", roles=(VOLUNTEER,), languages=PUBLIC_LANGUAGES)
def my_page(ctx):
    me = service.volunteer_for_user(ctx.user.user_id)
    year = service.today().year
    return _render(
        ctx,
        "me.html",
        me=me,
        tasks=tasks.tasks_of(me.volunteer_id),
        year=year,
        minutes=hours.hours_total(year, volunteer_id=me.volunteer_id),
        entry_key=secrets.token_urlsafe(12),
    )


@page(
    bp,
    "/volunteer/me/tasks/{task_id}/{answer}",
    methods=["POST"],
    roles=(VOLUNTEER,),
    languages=PUBLIC_LANGUAGES,
    form="/volunteer/me",
)
def my_answer(ctx, task_id, answer):
    me = service.volunteer_for_user(ctx.user.user_id)
    if answer == "hours":
        task = tasks.own_task(task_id, me.volunteer_id)
        hours.log_hours(task, _hours_form(ctx), ctx.user.actor)
    elif answer in ("accept", "decline"):
        act = tasks.accept if answer == "accept" else tasks.decline
        act(task_id, me.volunteer_id, ctx.user.actor)
    else:
        raise ValidationFailed()
    return ctx.redirect("/volunteer/me", flash=ANSWERED[answer])


def _hours_form(ctx) -> dict:
    form = ctx.form()
    raw = form.get("hours", "").replace(",", ".")
    try:
        minutes = round(float(raw) * 60)
    except ValueError:
        raise ValidationFailed({"hours": N_("Enter hours like 2 or 1.5.")}) from None
    if not 1 <= minutes <= 24 * 60:
        raise ValidationFailed({"hours": N_("Enter at most 24 hours, like 2 or 1.5.")})
    return {
        "minutes": minutes,
        "worked_on": form.get("worked_on"),
        "entry_key": form.get("entry_key"),
    }


@page(bp, "/staff/volunteers", roles=MANAGERS)
def staff_list(ctx):
    query = ctx.query
    cleared = {"yes": True, "no": False}.get(query.get("cleared", ""))
    found = service.list_volunteers(
        query.get("language") or None, query.get("skill") or None, cleared
    )
    return _render(
        ctx,
        "list.html",
        volunteers=found,
        soon=service.expiring(found),
        today=service.today().isoformat(),
        filters=query,
    )


@page(bp, "/staff/volunteers/{volunteer_id}", methods=["GET", "POST"], roles=MANAGERS,
      form=True)
def staff_volunteer(ctx, volunteer_id):
    if ctx.method == "POST":
        _staff_change(ctx, volunteer_id)
        return ctx.redirect(f"/staff/volunteers/{volunteer_id}")
    volunteer = service.get_volunteer(volunteer_id)
    year = service.today().year
    until = rules.cleared_until(
        volunteer.declaration_signed_on,
        volunteer.police_seen_on,
        volunteer.police_expires_on,
    )
    return _render(
        ctx,
        "detail.html",
        v=volunteer,
        year=year,
        cleared=rules.clearance_valid(volunteer.status, until, service.today()),
        expiring=bool(service.expiring([_as_candidate(volunteer, until)])),
        minutes=hours.hours_total(year, volunteer_id=volunteer_id),
        months=hours.monthly_totals(year, volunteer_id=volunteer_id),
        next_statuses=sorted(rules.NEXT_STATUSES.get(volunteer.status, ())),
        next_status_options=[
            (code, ctx.gettext(rules.STATUSES[code]))
            for code in sorted(rules.NEXT_STATUSES.get(volunteer.status, ()))
        ],
        is_admin=ADMIN in ctx.user.roles,
    )


def _as_candidate(volunteer, until: str) -> rules.Candidate:
    return rules.Candidate(
        volunteer.volunteer_id,
        volunteer.name,
        volunteer.status,
        None,
        frozenset(),
        volunteer.region,
        until or None,
    )


def _staff_change(ctx, volunteer_id: str) -> None:
    form, actor = ctx.form(), ctx.user.actor
    action = form.get("action")
    if action == "clearance":
        service.record_clearance(volunteer_id, form, actor)
    elif action == "status":
        service.change_status(volunteer_id, form.get("status", ""), actor)
    elif action in ("link", "anonymise") and ADMIN not in ctx.user.roles:
        raise ValidationFailed()
    elif action == "link":
        service.link_user(volunteer_id, form.get("user_id", ""), actor)
    elif action == "anonymise":
        hours.anonymise(volunteer_id, actor)
    else:
        raise ValidationFailed()


@page(bp, "/staff/volunteer-tasks", methods=["GET", "POST"], roles=MANAGERS,
      form=True)
def staff_tasks(ctx):
    if ctx.method == "POST":
        task = tasks.create_task(ctx.form(), ctx.user.actor)
        return ctx.redirect(f"/staff/volunteer-tasks/{task.task_id}")
    anything = [("", ctx.gettext("Any"))]
    return _render(
        ctx,
        "tasks.html",
        tasks=tasks.list_tasks(),
        open_count=tasks.open_tasks_without_volunteer(),
        region_options=list(rules.REGIONS.items()),
        language_options=anything + [
            (code, ctx.gettext(label)) for code, label in rules.LANGUAGES.items()],
        skill_options=anything + [
            (code, ctx.gettext(label)) for code, label in rules.SKILLS.items()],
    )


@page(bp, "/staff/volunteer-tasks/{task_id}", methods=["GET", "POST"], roles=MANAGERS,
      form=True)
def staff_task(ctx, task_id):
    if ctx.method == "POST":
        form = ctx.form()
        if form.get("action") == "hours":
            hours.log_hours(tasks.get_task(task_id), _hours_form(ctx), ctx.user.actor)
        else:
            tasks.assign(task_id, form.get("volunteer_id", ""), ctx.user.actor)
        return ctx.redirect(f"/staff/volunteer-tasks/{task_id}")
    task = tasks.get_task(task_id)
    eligible = tasks.eligible_volunteers(task)
    return _render(
        ctx,
        "task.html",
        task=task,
        eligible=eligible,
        soon=service.expiring(eligible),
        entry_key=secrets.token_urlsafe(12),
    )
