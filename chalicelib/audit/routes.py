from chalice import Blueprint

from chalicelib.audit import service as audit
from chalicelib.auth.roles import ADMIN
from chalicelib.web.routing import page

bp = Blueprint(__name__)


@page(bp, "/staff/audit", roles=(ADMIN,))
def recent_entries(ctx):
    audit.record(ctx.user.actor, "read", "audit", "recent")  # who read the log
    return ctx.render("audit/recent.html", entries=audit.recent(limit=200))
