"""Requests sent to the app the way API Gateway sends them once deployed.

At `https://<id>.execute-api.<region>.amazonaws.com/api/...` API Gateway strips
the stage: the Lambda event's `path` is `/donate`, `requestContext.path` is
`/api/donate` and `requestContext.stage` is `api`. Under a custom domain mapped
at `/` both paths are `/donate`. A path outside the stage, or one no route
matches, never reaches the function: API Gateway answers 403 itself.

    browser = Gateway(app)                        # the execute-api address
    browser = Gateway(app, host="hjelp.example.org")   # a custom domain
    response = browser.get("/api/donate")
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from chalice.local import LambdaContext, RouteMatcher

EXECUTE_API_HOST = "abc123defg.execute-api.eu-north-1.amazonaws.com"


@dataclass
class GatewayResponse:
    status_code: int
    headers: dict[str, str]
    cookies: list[str]
    body: bytes
    refused_by_gateway: bool = False  # API Gateway's own 403, the app never ran

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Gateway:
    app: Any
    host: str = EXECUTE_API_HOST
    stage: str = "api"
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def on_execute_api(self) -> bool:
        return self.host.endswith(".amazonaws.com")

    @property
    def prefix(self) -> str:
        """What the public path starts with: `/api` at execute-api, else nothing."""
        return f"/{self.stage}" if self.on_execute_api else ""

    def get(self, url: str, **kwargs: Any) -> GatewayResponse:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> GatewayResponse:
        return self.request("POST", url, **kwargs)

    def request(
        self, method: str, url: str, headers: dict[str, str] | None = None,
        body: str | bytes = b"",
    ) -> GatewayResponse:
        parts = urlsplit(url)
        public_path = parts.path
        if self.prefix:
            if not (public_path + "/").startswith(self.prefix + "/"):
                return _refused("Forbidden")
            path = public_path[len(self.prefix):] or "/"
        else:
            path = public_path
        try:
            match = RouteMatcher(list(self.app.routes)).match_route(
                path + (f"?{parts.query}" if parts.query else ""))
        except ValueError:
            return _refused("Missing Authentication Token")
        if method not in self.app.routes[match.route]:
            return _refused("Missing Authentication Token")
        event = self._event(method, public_path, path, match, headers or {}, body)
        result = self.app(event, LambdaContext("api_handler", 512))
        return self._response(result)

    def _event(self, method: str, public_path: str, path: str, match: Any,
               headers: dict[str, str], body: str | bytes) -> dict[str, Any]:
        sent = {"Host": self.host, "X-Forwarded-Proto": "https", **headers}
        if self.cookies:
            jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            sent["Cookie"] = "; ".join(filter(None, [jar, sent.get("Cookie", "")]))
        raw = body.encode() if isinstance(body, str) else body
        query = match.query_params or None
        return {
            "resource": match.route,
            "path": path,
            "httpMethod": method,
            "headers": sent,
            "multiValueHeaders": {k: [v] for k, v in sent.items()},
            "queryStringParameters": (
                {k: v[-1] for k, v in query.items()} if query else None),
            "multiValueQueryStringParameters": query,
            "pathParameters": match.captured or None,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": match.route,
                "httpMethod": method,
                "path": public_path,
                "stage": self.stage,
                "domainName": self.host,
                "apiId": "abc123defg",
                "requestId": str(uuid.uuid4()),
                "identity": {"sourceIp": "192.0.2.10"},
            },
            "body": base64.b64encode(raw).decode() if raw else None,
            "isBase64Encoded": bool(raw),
        }

    def _response(self, result: dict[str, Any]) -> GatewayResponse:
        headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        multi = {k.lower(): v for k, v in (result.get("multiValueHeaders") or {}).items()}
        cookies = list(multi.get("set-cookie", []))
        if "set-cookie" in headers:
            cookies.append(headers.pop("set-cookie"))
        for cookie in cookies:
            name, _, rest = cookie.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in cookie:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        body = result.get("body") or ""
        raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
        return GatewayResponse(result["statusCode"], headers, cookies, raw)


def _refused(message: str) -> GatewayResponse:
    body = json.dumps({"message": message}).encode()
    return GatewayResponse(403, {"content-type": "application/json"}, [], body, True)
