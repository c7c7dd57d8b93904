"""The sign-in form that gives a browser its signed session cookie: a route of the web
server beside the Streamlit app (dashboard/web.py builds the server from it).

Streamlit's pages talk over a websocket and cannot set a cookie; this form is a plain HTML
POST that can. It signs in exactly as the in-app form does (users.sign_in: the same words
and time for every account, locks per e-mail and address), sets an HttpOnly cookie
(sessions.py) and sends the browser on to the page it asked for (``next``: a path of this
site only), where the app reads the cookie at every new tab or reload.
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from dashboard import sessions, users
from dashboard.errors import DashboardError
from dashboard.store import Store

SIGN_IN_PATH = "/_ssi/sign-in"
ROUTE_ENV = "SSI_SIGN_IN_ROUTE"  # set by serve.py: the app links here instead of its own form


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site, never another site's address."""
    target = (target or "/").strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")) or "\n" in target:
        return "/"
    return target[:2000]


def back_to(path: str, query: dict[str, list[str]]) -> str:
    """The address to come back to after signing in: ``path`` with its query."""
    return path + (("?" + urlencode(query, doseq=True)) if query else "")


_STYLE = """<style>
.ssi-sign-in {{ max-width: 22rem; }}
.ssi-sign-in label {{ display: block; margin: .8rem 0 .3rem; font-size: .9rem; }}
.ssi-sign-in input {{ width: 100%; box-sizing: border-box; padding: .55rem; font-size: 1rem;
                     border: 1px solid #bbb; border-radius: 4px; }}
.ssi-sign-in button {{ margin-top: 1.2rem; width: 100%; padding: .6rem; font-size: 1rem;
                      border: 0; border-radius: 4px; background: #0072B2; color: #fff;
                      cursor: pointer; }}
.ssi-sign-in .error {{ background: #fdecea; color: #8a1c12; padding: .6rem; border-radius: 4px; }}
</style>"""

_FORM = """<form class="ssi-sign-in" method="post" action="{action}">
{message}
<input type="hidden" name="next" value="{next}">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="username" required value="{email}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>"""

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in - Social Selling Index</title>
{style}
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #111; }}
main {{ max-width: 22rem; margin: 12vh auto; background: #fff; padding: 2rem;
        border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ font-size: 1.4rem; margin: 0 0 1.2rem; }}
</style></head>
<body><main><h1>Social Selling Index</h1>
{form}
</main></body></html>
"""


def form_html(next_path: str, email: str = "", message: str = "") -> str:
    """The sign-in form, every value escaped: on its own page and inside the app's."""
    shown = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    form = _FORM.format(message=shown, action=html.escape(SIGN_IN_PATH),
                        next=html.escape(safe_next(next_path)), email=html.escape(email))  # fmt: skip
    return _STYLE.format() + form


def _form(next_path: str, email: str = "", message: str = "", status: int = 200) -> HTMLResponse:
    page = _PAGE.format(style="", form=form_html(next_path, email, message))
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


async def sign_in(request: Request) -> Response:
    """GET: the form. POST: sign in, set the session cookie, go on to ``next``. The check
    (a password hash, the store) runs in a worker thread, so it blocks no other visitor."""
    if request.method == "GET":
        return _form(safe_next(request.query_params.get("next")))
    form = await request.form()
    email, password = str(form.get("email", ""))[:320], str(form.get("password", ""))
    next_path = safe_next(str(form.get("next", "/")))
    source = request.client.host if request.client else "unknown"
    try:
        token, seconds = await run_in_threadpool(_session_for, email, password, source)
    except DashboardError as exc:
        return _form(next_path, email, str(exc), status=401)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(sessions.SESSION_COOKIE, token, max_age=seconds, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")  # fmt: skip
    return response


def _session_for(email: str, password: str, source: str) -> tuple[str, int]:
    with Store() as store:
        found = users.sign_in(store, email, password, source=source)
        return sessions.issue(store, found.email)


ROUTES = [Route(SIGN_IN_PATH, sign_in, methods=["GET", "POST"])]
