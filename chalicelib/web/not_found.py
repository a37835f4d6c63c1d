"""The page for an address that matches no route.

API Gateway answers such a request itself, before the function runs (its
MISSING_AUTHENTICATION_TOKEN response, by default 403 `{"message": "Missing
Authentication Token"}`). The template (devtools/infra.py) replaces that by
this page with 404: static, so it is written once at packaging time in every
public language, each section marked with its `lang`, with a link to the front
page. It reflects nothing of the request.
"""

from __future__ import annotations

from html import escape

from chalicelib.errors import N_
from chalicelib.web.i18n import PUBLIC_LANGUAGES, translate

TITLE = N_("Page not found")
TEXT = N_("There is no page at this address. It may be mistyped, or the page "
          "has moved.")
HOME = N_("Go to the front page")

# API Gateway's static header values sit between single quotes, so this CSP
# has no quoted keyword: `sandbox` alone forbids scripts, forms and plugins
# on a page that has none.
HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": "sandbox; default-src https:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}


def page(home_url: str) -> str:
    """The whole page; `home_url` is the front page's absolute address,
    ending in `/` (the stylesheet is at `<home_url>static/app.css`)."""
    title = " · ".join(escape(translate(lang, TITLE)) for lang in PUBLIC_LANGUAGES)
    sections = "\n".join(
        f'<section lang="{lang}">\n<h1>{escape(translate(lang, TITLE))}</h1>\n'
        f"<p>{escape(translate(lang, TEXT))}</p>\n"
        f'<p><a href="{escape(home_url)}">{escape(translate(lang, HOME))}</a></p>\n'
        "</section>"
        for lang in PUBLIC_LANGUAGES
    )
    return (f'<!doctype html>\n<html lang="{PUBLIC_LANGUAGES[0]}">\n<head>\n'
            '<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            # the site's own stylesheet (an https: address, as the CSP allows)
            f'<link rel="stylesheet" href="{escape(home_url)}static/app.css">\n'
            f"<title>{title}</title>\n</head>\n<body>\n<main>\n{sections}\n</main>\n"
            "</body>\n</html>\n")
