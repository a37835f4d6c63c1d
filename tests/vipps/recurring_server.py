"""A local server (pytest-httpserver) answering like the Vipps Recurring API
v3 for the agreements and charges it was asked to create: the shapes of
vippsas/vipps-recurring-api docs/openapi.yaml (DraftAgreementResponseV3,
AgreementResponseV3, ChargeReference, ChargeResponseV3) and its errors
(ErrorV3, `application/problem+json`). An Idempotency-Key seen before
answers what it answered the first time, as Vipps does (also when that
answer never reached the client: `lose_answers`)."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

from werkzeug import Response

from tests.vipps.conftest import token_answer

CONFIRMATION = "https://apitest.vipps.no/v2/register/U6JUjQXq8HQmmV"


def recurring_problem(status, title, detail, instance="/v3/agreements", field=None):
    body = {"type": "https://developer.vippsmobilepay.com/docs/APIs/recurring-api/"
                    "recurring-api-problems#validation-error",
            "title": title, "status": status, "detail": detail, "instance": instance,
            "contextId": "f70b8bf7-c843-4bea-95d9-94725b19895f"}
    if field:
        body["extraDetails"] = [{"field": field, "text": "must not be empty"}]
    return Response(json.dumps(body), status=status,
                    content_type="application/problem+json")


def _json(body, status=200):
    return Response(json.dumps(body), status=status, content_type="application/json")


class LocalRecurring:
    def __init__(self, server):
        self.server = server
        self.agreements: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}  # chargeId -> charge
        self.answers: dict[str, Response] = {}  # Idempotency-Key -> first answer
        self.refuse_create: Response | None = None
        self.refuse_charge: dict[str, Response] = {}  # agreementId -> its answer
        self.lose_answers = 0  # this many next answers are made, then lost
        self.today = date.today()  # the day Vipps checks `due` against
        self.away = False
        server.expect_request("/accesstoken/get", method="POST").respond_with_json(
            token_answer())
        server.expect_request("/recurring/v3/agreements", method="POST"
                              ).respond_with_handler(self._once(self._create))
        server.expect_request(re.compile(r"/recurring/v3/agreements/[^/]+$"),
                              method="GET").respond_with_handler(self._get)
        server.expect_request(re.compile(r"/recurring/v3/agreements/[^/]+$"),
                              method="PATCH").respond_with_handler(
                                  self._once(self._patch))
        server.expect_request(re.compile(r"/recurring/v3/agreements/[^/]+/charges$"),
                              method="POST").respond_with_handler(
                                  self._once(self._create_charge))
        server.expect_request(re.compile(r"/recurring/v3/agreements/[^/]+/charges/[^/]+$"),
                              method="GET").respond_with_handler(self._get_charge)

    def _once(self, handler):
        def wrapped(request):
            if self.away:
                return recurring_problem(503, "Service Unavailable", "Try again later")
            key = request.headers.get("Idempotency-Key", "")
            if not key or len(key) > 40:
                return recurring_problem(400, "Bad Request",
                                         "Idempotency-Key is 1-40 characters")
            if key not in self.answers:
                self.answers[key] = handler(request)
            if self.lose_answers:  # done at Vipps, the answer lost on the way
                self.lose_answers -= 1
                return recurring_problem(504, "Gateway Timeout", "Upstream timed out")
            return self.answers[key]
        return wrapped

    def requests(self, method, pattern):
        return [r for r, _ in self.server.log
                if r.method == method and re.fullmatch(pattern, r.path)]

    def _create(self, request):
        if self.refuse_create is not None:
            return self.refuse_create
        body = json.loads(request.get_data())
        number = len(self.agreements) + 1
        agreement_id = f"agr_Test{number:04d}"
        self.agreements[agreement_id] = {"body": body, "status": "PENDING"}
        initial = body.get("initialCharge")
        charge_id = None
        if initial:
            charge_id = initial.get("orderId") or f"chr-init{number}"
            self.charges[charge_id] = {
                "agreementId": agreement_id, "amount": initial["amount"],
                "status": "PENDING", "type": "INITIAL", "due": None, "retryDays": 0}
        return _json({"agreementId": agreement_id,
                      "uuid": "9c2ca95c-245f-4a2e-aab2-4a08eb78e6fb",
                      "vippsConfirmationUrl": CONFIRMATION, "chargeId": charge_id}, 201)

    def _get(self, request):
        agreement_id = request.path.rsplit("/", 1)[-1]
        if self.away:
            return recurring_problem(503, "Service Unavailable", "Try again later")
        agreement = self.agreements.get(agreement_id)
        if agreement is None:
            return recurring_problem(404, "Not Found", "Agreement not found",
                                     instance=request.path)
        body = agreement["body"]
        return _json({"id": agreement_id, "status": agreement["status"],
                      "pricing": {"type": "LEGACY", **body["pricing"]},
                      "interval": {**body["interval"], "text": "hver måned"},
                      "productName": body["productName"],
                      "created": "2026-12-05T01:00:00Z", "start": None, "stop": None,
                      "merchantAgreementUrl": body["merchantAgreementUrl"],
                      "merchantRedirectUrl": body["merchantRedirectUrl"],
                      "countryCode": "NO", "externalId": body.get("externalId"),
                      "uuid": "9c2ca95c-245f-4a2e-aab2-4a08eb78e6fb"})

    def _patch(self, request):
        agreement = self.agreements.get(request.path.rsplit("/", 1)[-1])
        if agreement is None:
            return recurring_problem(404, "Not Found", "Agreement not found")
        patch = json.loads(request.get_data())
        if patch.get("status") == "STOPPED":
            agreement["status"] = "STOPPED"
        pricing = patch.get("pricing")
        if pricing is not None:  # AgreementPricingUpdateRequest, LEGACY only
            amount = pricing.get("amount")
            if agreement["status"] != "ACTIVE":
                return recurring_problem(400, "Bad Request",
                                         "Only an active agreement can be updated",
                                         instance=request.path)
            if not isinstance(amount, int) or amount < 100:
                return recurring_problem(400, "Bad Request", "Invalid amount",
                                         instance=request.path, field="pricing.amount")
            agreement["amount"] = amount
        return Response(status=204)

    def _create_charge(self, request):
        """CreateChargeV3 checked as Vipps documents it: 201 ChargeReference,
        or an ErrorV3 problem (validation-error, charge-due-too-soon, an
        agreement not active, an orderId used before: 409)."""
        agreement_id = request.path.split("/")[-2]
        agreement = self.agreements.get(agreement_id)
        if agreement_id in self.refuse_charge:
            return self.refuse_charge[agreement_id]
        if agreement is None:
            return recurring_problem(404, "Not Found", "Agreement not found",
                                     instance=request.path)
        if agreement["status"] != "ACTIVE":
            return recurring_problem(
                400, "Bad Request",
                "Cannot create a charge for an agreement which is not active.",
                instance=request.path)
        body = json.loads(request.get_data())
        wrong = self._charge_problem(body)
        if wrong:
            return recurring_problem(400, "Bad Request", "Input validation failed",
                                     instance=request.path, field=wrong)
        if date.fromisoformat(body["due"]) < self.today + timedelta(days=1):
            return recurring_problem(400, "Bad Request",
                                     "Charge due date must be at least 1 day in the "
                                     "future", instance=request.path)
        charge_id = body.get("orderId") or f"chr-{len(self.charges) + 1}"
        if charge_id in self.charges:
            return recurring_problem(409, "Conflict",
                                     "A charge with this orderId already exists",
                                     instance=request.path)
        self.charges[charge_id] = {"agreementId": agreement_id, "amount": body["amount"],
                                   "status": "PENDING", "type": "RECURRING",
                                   "due": body["due"], "retryDays": body["retryDays"],
                                   "body": body}
        return _json({"chargeId": charge_id}, 201)

    @staticmethod
    def _charge_problem(body):
        """The field of a CreateChargeV3 that does not fit, or None."""
        amount = body.get("amount")
        if not isinstance(amount, int) or amount < 100:
            return "amount"
        if body.get("transactionType") not in ("DIRECT_CAPTURE", "RESERVE_CAPTURE"):
            return "transactionType"
        if not 1 <= len(str(body.get("description") or "")) <= 45:
            return "description"
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(body.get("due") or "")):
            return "due"
        retry = body.get("retryDays")
        if not isinstance(retry, int) or not 0 <= retry <= 14:
            return "retryDays"
        if "orderId" in body and not re.fullmatch(r"[a-zA-Z0-9-]{1,50}",
                                                  str(body["orderId"])):
            return "orderId"
        return None

    def _get_charge(self, request):
        charge_id = request.path.rsplit("/", 1)[-1]
        charge = self.charges.get(charge_id)
        if charge is None:
            return recurring_problem(404, "Not Found", "Charge not found")
        captured = charge["amount"] if charge["status"] == "CHARGED" else 0
        return _json({"id": charge_id, "agreementId": charge["agreementId"],
                      "amount": charge["amount"], "currency": "NOK",
                      "description": "Månedlig gave", "due": charge["due"],
                      "status": charge["status"], "type": charge["type"],
                      "transactionType": "DIRECT_CAPTURE", "retryDays": charge["retryDays"],
                      "transactionId": "5001419121" if captured else None,
                      "externalId": charge_id,
                      "summary": {"captured": captured, "refunded": 0, "cancelled": 0},
                      "history": []})

    # what the donor does in the app, and what Vipps does on the due day
    def approve(self, agreement_id):
        self.agreements[agreement_id]["status"] = "ACTIVE"
        for charge in self.charges.values():
            if charge["agreementId"] == agreement_id and charge["type"] == "INITIAL":
                charge["status"] = "CHARGED"

    def set_status(self, agreement_id, status):
        self.agreements[agreement_id]["status"] = status

    def process_due(self, day):
        """Vipps on `day`: every pending charge due by then is charged; their
        ids (the charge-captured events the test then delivers)."""
        done = []
        for charge_id, charge in self.charges.items():
            if (charge["type"] == "RECURRING" and charge["status"] == "PENDING"
                    and date.fromisoformat(charge["due"]) <= day):
                charge["status"] = "CHARGED"
                done.append(charge_id)
        return done
