"""The audit log viewer (admins): filter by user, action, record and period;
the same selection as CSV. Every read of the log is itself audited."""

from chalice import Blueprint

from chalicelib.audit import service as audit
from chalicelib.auth.roles import ADMIN, ROLE_NAMES
from chalicelib.core.clock import oslo_time
from chalicelib.errors import N_, ValidationFailed
from chalicelib.web.nav import add_staff_link
from chalicelib.web.routing import page
from chalicelib.web.spreadsheet import csv_response, csv_text

bp = Blueprint(__name__)
# Who wrote an entry: a role, the public (a donor, a pledge, a sign-up) or
# the system (a job, a webhook).
WRITERS = {**ROLE_NAMES, "public": N_("The public"), "system": N_("The system")}
CSV_HEADER = (N_("When (Norwegian time)"), N_("Time as stored (UTC)"), N_("User id"),
              N_("Roles"), N_("Action code"), N_("Record type"), N_("Record id"),
              N_("Digest"))
add_staff_link("/staff/audit", N_("Audit log"), (ADMIN,), order=95)


def _read(ctx, filters: audit.Filters, what: str) -> None:
    """Who read which part of the log (the filters, never the entries)."""
    selection = f"{what} {filters.first_day}..{filters.last_day}"
    for name in ("actor", "action", "record"):
        value = getattr(filters, name)
        if value:
            selection += f" {name}={value}"
    audit.record(ctx.user.actor, "read", "audit", selection[:200])


@page(bp, "/staff/audit", roles=(ADMIN,))
def recent_entries(ctx):
    fields: dict[str, str] = {}
    try:
        filters = audit.parse_filters(ctx.query)
    except ValidationFailed as failure:
        fields = failure.fields
        filters = audit.parse_filters({})
    _read(ctx, filters, "page")
    entries, more = audit.search(filters, limit=200)
    return ctx.render("audit/recent.html", status=400 if fields else 200,
                      entries=entries, more=more, filters=filters, fields=fields,
                      query=ctx.query, actions=audit.ACTIONS,
                      record_types=audit.RECORD_TYPES, role_names=WRITERS)


@page(bp, "/staff/audit.csv", roles=(ADMIN,))
def entries_csv(ctx):
    filters = audit.parse_filters(ctx.query)
    _read(ctx, filters, "csv")
    entries, _ = audit.search(filters, limit=50_000)
    header = [ctx.gettext(title) for title in CSV_HEADER]
    # Then the cells as stored, so each row can be checked against its digest.
    rows = ((oslo_time(entry.at), entry.entry_id.split("#")[0], entry.actor,
             entry.roles, entry.action, entry.record_type, entry.record_id,
             entry.digest or "") for entry in entries)
    name = f"audit-{filters.first_day}-{filters.last_day}.csv"
    return csv_response(name, csv_text(header, rows))
