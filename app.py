"""Wiring only: the Chalice app, its middleware and the routes.

The platform's own Blueprints (home, login, audit) load at start-up; the
areas' routes are registered from chalicelib/web/routes.json and their code
loads on the first request that needs it (chalicelib/web/lazy.py), so a cold
Lambda answers without importing every area.

The scheduled jobs (one Lambda function each, EventBridge rules in UTC) only
call their area's job function; each is idempotent (docs/operations.md).
"""

import logging
import time

from chalice import Chalice, Cron, Rate

from chalicelib.audit.routes import bp as audit_bp
from chalicelib.auth.routes import bp as auth_bp
from chalicelib.config import get_settings
from chalicelib.core import logs
from chalicelib.core.routes import bp as core_bp
from chalicelib.web.lazy import register_lazy_routes
from chalicelib.web.security import add_security_headers

get_settings()  # validated at start: a bad variable fails here, by name
app = Chalice(app_name="ngo-platform")
# API Gateway hands a file upload over base64-encoded, its bytes unchanged
# (as text it would mangle a file that is not UTF-8).
app.api.binary_types.append("multipart/form-data")
logs.configure(app.log)  # JSON lines with the request id on Lambda
access_log = logging.getLogger("ngo.access")


@app.middleware("http")
def security_headers(event, get_response):
    started = time.monotonic()
    request_id = logs.bind_request(event.lambda_context,
                                   (event.context or {}).get("requestId", ""))
    response = get_response(event)
    add_security_headers(response.headers)
    response.headers["X-Request-Id"] = request_id
    # The route's template (/staff/clients/{code}), never the filled-in path.
    access_log.info("request", extra={
        "method": event.method, "route": (event.context or {}).get("resourcePath", "?"),
        "status": response.status_code,
        "duration_ms": round((time.monotonic() - started) * 1000)})
    return response


@app.middleware("scheduled")
def job_request_id(event, get_response):
    logs.bind_request(event.context)  # a scheduled run's context is Lambda's
    return get_response(event)


for blueprint in (core_bp, auth_bp, audit_bp):
    app.register_blueprint(blueprint)
register_lazy_routes(app)


@app.schedule(Cron(30, 1, "*", "*", "?", "*"), name="nightly_reconciliation",
              description="Funds and stock against their histories, nightly")
def nightly_reconciliation(event):
    from chalicelib.funds.service import nightly_reconciliation as run

    return run().status


@app.schedule(Rate(15, unit=Rate.MINUTES), name="quarter_hourly",
              description="Mail retries from the outbox; queued reconciliations")
def quarter_hourly(event):
    from chalicelib.core.mail import retry_outbox
    from chalicelib.funds.service import run_requested_reconciliation

    run_requested_reconciliation()
    return retry_outbox().as_dict()


@app.schedule(Rate(10, unit=Rate.MINUTES), name="vipps_reconciliation",
              description="Vipps payments open too long: asked, captured, closed")
def vipps_reconciliation(event):
    from chalicelib.vipps.reconcile import scheduled_run

    return scheduled_run()


@app.schedule(Cron(30, 4, "*", "*", "?", "*"), name="vipps_charges",
              description="Creates the due monthly Vipps charges, once each")
def vipps_charges(event):
    from chalicelib.vipps.charges import scheduled_run

    return scheduled_run()


@app.schedule(Cron(0, 6, "*", "*", "?", "*"), name="clearance_reminders",
              description="Police certificate expiry reminders to volunteers")
def clearance_reminders(event):
    from chalicelib.volunteers.reminders import daily_reminders

    return daily_reminders().status


@app.schedule(Cron(15, 2, "*", "*", "?", "*"), name="import_preview_cleanup",
              description="Drops CSV import previews never confirmed")
def import_preview_cleanup(event):
    from chalicelib.core.clock import oslo_date
    from chalicelib.core.jobs import run_once
    from chalicelib.gifts.service import clean_stale_previews

    return run_once("import-preview-cleanup", oslo_date().isoformat(),
                    clean_stale_previews).status


@app.schedule(Cron(45, 2, "*", "*", "?", "*"), name="nightly_retention",
              description="Anonymises the records of clients inactive too long")
def nightly_retention(event):
    from chalicelib.core.retention import nightly

    return nightly().status


@app.schedule(Cron(20, 0, "*", "*", "?", "*"), name="audit_seal",
              description="Seals yesterday's audit log and verifies the seals")
def audit_seal(event):
    from chalicelib.audit.seal import nightly

    return nightly().status


@app.schedule(Cron(0, "16,17", "*", "*", "?", "*"), name="shelter_count_links",
              description="18:00 in Oslo: each shelter's link to confirm free places")
def shelter_count_links(event):
    from chalicelib.shelters.links import scheduled_run

    return scheduled_run()


@app.schedule(Rate(5, unit=Rate.MINUTES), name="referral_escalation",
              description="Flags referrals unanswered past REFERRAL_ESCALATE_MINUTES")
def referral_escalation(event):
    from chalicelib.core.clock import now_utc
    from chalicelib.core.jobs import run_once
    from chalicelib.referrals.service import escalate_unanswered

    moment = now_utc()
    period = moment.strftime("%Y-%m-%dT%H:") + f"{moment.minute // 5 * 5:02d}"
    return run_once("referral-escalation", period,
                    lambda: escalate_unanswered(moment)).status


@app.schedule(Cron(10, "*", "*", "*", "?", "*"), name="tax_feedback",
              description="Feedback of sent RF-1310 deliveries, hourly")
def tax_feedback(event):
    from chalicelib.core.clock import now_utc
    from chalicelib.core.jobs import run_once
    from chalicelib.tax.feedback import poll_feedback

    period = now_utc().strftime("%Y-%m-%dT%H")
    return run_once("tax-feedback", period, poll_feedback).status
