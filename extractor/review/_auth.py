"""Sessions: a random session token (only its hash is stored), a CSRF token per session checked on every
form post, and a double-submit token on the login form."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from ..store import Store
from ._i18n import request_lang, t

SESSION_COOKIE = "jixiao_session"
LOGIN_COOKIE = "jixiao_login"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_user(request: Request, store: Store):
    token = request.cookies.get(SESSION_COOKIE)
    return store.session(token_hash(token)) if token else None


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and secrets.compare_digest(str(a), str(b))


def safe_next(target: str | None) -> str:
    """Only a path on this site: a login link must not send a reviewer elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def request_store(request: Request) -> Store:
    """A connection for one request; the app migrated the schema once when it started."""
    return Store(request.app.state.db, migrate_schema=False)


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    # Secure when told so (`serve --secure-cookies`) or when a trusted proxy says the client came by HTTPS.
    secure = request.app.state.secure_cookies or request.url.scheme == "https"
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", path="/", secure=secure)


Handler = Callable[..., Response]


def _checked(handler: Handler, role: str | None, request: Request, form) -> Response:
    lang = request_lang(request.headers.get("accept-language"))
    with request_store(request) as store:
        user = session_user(request, store)
        if user is None:
            if request.method == "GET":
                return RedirectResponse(f"/login?next={quote(request.url.path)}", 303)
            return PlainTextResponse(t(lang, "page.login_first"), 401)
        if role and user["role"] != role:
            return PlainTextResponse(t(lang, "page.role", role=t(lang, f"role.{role}")), 403)
        if request.method == "POST" and not same(form.get("csrf"), user["csrf"]):
            return PlainTextResponse(t(lang, "page.csrf"), 403)
        return handler(request, store, user, form)


def guarded(role: str | None = None) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a page: a session is required, `role="admin"` requires an admin, and a POST needs the CSRF token.

    The handler is called as handler(request, store, user, form) with its own store connection, in the
    thread pool: database, hashing and rendering must never stop the event loop that serves everyone else.
    """

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            form = await request.form() if request.method == "POST" else None
            return await run_in_threadpool(_checked, handler, role, request, form)

        return endpoint

    return wrap
