"""The screening workbench's web app: Starlette handlers that parse a request, call one
:class:`~litreview.web.workbench.Workbench` method and render a Jinja2 template (autoescaped: record
text is data, never markup).

The handlers are plain synchronous functions (the workspace's calls block): Starlette runs them in
its thread pool, and the :class:`Site` they share (the workbench, the throttle, the templates) is
the app's ``state.site``. Reading a posted form is async in Starlette, so a form's endpoint is async
only for that (:func:`form_page`, :func:`login`): it reads the form, then runs the work in the pool.

Security: a session is a signed cookie (SameSite=Strict, HttpOnly) that carries its account's
session version, checked on every request (signing out, a new password and a removed account end
it at once); every POST carries the session's CSRF token; sign-ins are throttled (:mod:`.throttle`);
bodies are capped, proxies trusted only when named, cookies Secure over TLS (:mod:`.edge`); a
Content-Security-Policy allows only this server's own script and style (no inline script at all);
on loopback only the loopback host names are answered (a rebound DNS name cannot read the workspace).
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import math
import secrets
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
import jinja2
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp

from litreview.errors import LitreviewError, WorkbenchError
from litreview.records import CONTROL_CHARACTERS, STAGES, Stage, Vote
from litreview.sources.pdf import MAX_PDF_BYTES
from litreview.web.accounts import dummy_verify, verify_password
from litreview.web.edge import MAX_BODY, BehindProxies, BodyLimit, SecureTransport
from litreview.web.throttle import DEVICE_COOKIE, DEVICE_DAYS, DeviceCookies, Throttle
from litreview.web.workbench import LIVE_DOWNLOADS, Workbench

HERE = Path(__file__).parent
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]


def is_loopback(host: str) -> bool:
    """Whether an address to listen on is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


STAGE_NAMES = {Stage.TITLE_ABSTRACT: "Title/abstract", Stage.FULL_TEXT: "Full text"}
DECISION_KEYS = {Vote.INCLUDE: "i", Vote.EXCLUDE: "e", Vote.MAYBE: "m", Vote.NOT_RETRIEVED: "r"}

Page = Callable[[Request, "Site", str, str], Response]  # a page's work: (request, site, user, role)


class Site:
    """The app's state: the workbench, who may sign in, and the helpers every handler shares."""

    def __init__(self, bench: Workbench, *, local_user: str | None, secret_key: str):
        self.bench = bench
        self.local_user = local_user  # no accounts (loopback only): everyone is this one lead
        self.throttle = Throttle()
        self.devices = DeviceCookies(secret_key)
        # autoescape everything, whatever a template's name: record text is data
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
        env.filters["in_url"] = in_url  # a record id in a link: /record/{{ id|in_url }}
        self.templates = Jinja2Templates(env=env)
        self.templates.env.globals.update(STAGES=STAGES, STAGE_NAMES=STAGE_NAMES, DECISION_KEYS=DECISION_KEYS)

    def user(self, request: Request) -> tuple[str, str] | None:
        """(name, role) of the signed-in reviewer, or None (read once per request)."""
        found: tuple[str, str] | None
        if "user" in request.state._state:
            found = request.state.user
        else:
            found = request.state.user = self._account(request)
        return found

    def _account(self, request: Request) -> tuple[str, str] | None:
        if self.local_user is not None:
            return self.local_user, "lead"
        name, version = request.session.get("user"), request.session.get("version")
        if not name or not isinstance(version, int):
            return None
        found = self.bench.session(name)
        # an account removed since, signed out elsewhere or given a new password: this session is over
        return (name, found[0]) if found and found[1] == version else None

    def signed_in(self, request: Request) -> tuple[str, str] | None:
        """Catch up with what other servers and commands wrote since the last request, then who
        is signed in (the first step of every page)."""
        self.bench.look()
        return self.user(request)

    def serve(self, page: Page, request: Request, user: tuple[str, str], lead: bool) -> Response:
        """Run a signed-in user's page (``lead``: a lead's only); a refused request is a message."""
        if lead and user[1] != "lead":
            return self.render(request, "message.html", 403, message="Only a lead may open this page.")
        try:
            return page(request, self, *user)
        except LitreviewError as exc:
            return self.render(request, "message.html", 400, message=str(exc))

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> Response:
        user = self.user(request)
        context.update(user=user[0] if user else None, role=user[1] if user else None,
                       csrf=csrf_token(request), review=self.bench.title, local=self.local_user is not None)  # fmt: skip
        return self.templates.TemplateResponse(request, name, context, status_code=status)


def in_url(record_id: str) -> str:
    """A record id as one part of a URL's path or query: an id keyed by a DOI holds ``/``, and a
    native id may hold ``?``, ``#``, ``&`` or spaces; the colon stays readable."""
    return quote(record_id, safe=":")


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def csrf_ok(request: Request, form: Any) -> bool:
    sent = str(form.get("csrf_token", ""))
    return bool(sent) and hmac.compare_digest(sent, csrf_token(request))


def _stage(request: Request, form: Any = None) -> str:
    stage = str((form or {}).get("stage") or request.query_params.get("stage") or Stage.TITLE_ABSTRACT)
    if stage not in STAGES:
        raise WorkbenchError(f"unknown stage {stage!r}")
    return stage


def chosen_reason(form: Any) -> str:
    """The reason a decision form gives: a typed "other" reason (as ``other: <text>``, which the
    protocol's reason check accepts), else the picked one. An exclusion reason typed and then left
    is not stored on an inclusion. A report not retrieved takes only the typed words: why it could
    not be obtained is never one of the protocol's exclusion reasons, so one picked and left in the
    list is not stored as it (a blank reason is then refused by the decision check)."""
    other = " ".join(str(form.get("reason_other", "")).split())
    if form.get("decision") == Vote.NOT_RETRIEVED:
        return other[len("other:") :].strip() if other.lower().startswith("other:") else other
    if other and form.get("decision") != "include":
        return other if other.lower().startswith("other:") else f"other: {other}"
    return str(form.get("reason", ""))


def page(*, lead: bool = False) -> Callable[[Page], Callable[[Request], Response]]:
    """A page a signed-in user opens (``lead``: a lead only): a synchronous endpoint, which
    Starlette runs in its thread pool."""

    def decorate(work: Page) -> Callable[[Request], Response]:
        @functools.wraps(work)
        def endpoint(request: Request) -> Response:
            site = site_of(request)
            user = site.signed_in(request)
            if user is None:
                return RedirectResponse(f"/login?next={quote(request.url.path, safe='/:')}", status_code=303)
            return site.serve(work, request, user, lead)

        return endpoint

    return decorate


def form_page(
    *, lead: bool = False, upload: bool = False
) -> Callable[[Page], Callable[[Request], Awaitable[Response]]]:
    """A form a signed-in user posts (``lead``: a lead only), CSRF-checked. Starlette reads a form
    only asynchronously, so this endpoint is async for that alone: the sign-in check before and the
    work after are synchronous and run in the thread pool (``anyio.to_thread.run_sync``, the pool
    Starlette's ``run_in_threadpool`` runs sync endpoints in); the body is read only once the
    sender is known to be signed in. ``upload``: the form carries one file (field ``file``), read
    into ``request.state.upload`` as (its base name, its bytes up to the PDF limit and one more)."""

    def decorate(work: Page) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(work)
        async def endpoint(request: Request) -> Response:
            site = site_of(request)
            user = await anyio.to_thread.run_sync(site.signed_in, request)
            if user is None:
                return PlainTextResponse("sign in first", status_code=403)
            form = await request.form(max_files=1 if upload else 0, max_fields=100)  # one file at most
            if not csrf_ok(request, form):
                return PlainTextResponse("missing or wrong CSRF token: reload the page", status_code=403)
            if field := control_characters(form):  # refused as any other bad input: a message page
                said = f"{field}: a control character cannot be stored; nothing was saved"
                return await anyio.to_thread.run_sync(
                    functools.partial(site.render, request, "message.html", 400, message=said)
                )
            request.state.form = form
            if upload:
                sent = form.get("file")
                request.state.upload = (
                    (upload_name(sent.filename), await sent.read(MAX_PDF_BYTES + 1))
                    if isinstance(sent, UploadFile)
                    else ("", b"")
                )
            return await anyio.to_thread.run_sync(site.serve, work, request, user, lead)

        return endpoint

    return decorate


_FIELD_NAMES = {"reason": "the reason", "reason_other": "the reason", "note": "the note", "value": "the value",
                "username": "the name", "password": "the password"}  # fmt: skip


def control_characters(form: Any) -> str:
    """The first posted text field holding a control character, as a person calls it ("" if none):
    refused, not stored."""
    key = next(
        (k for k, value in form.multi_items() if isinstance(value, str) and CONTROL_CHARACTERS.search(value)),
        "",
    )
    if key.startswith("col_"):
        return f"the {key.removeprefix('col_')} cell"
    return _FIELD_NAMES.get(key, key)


def upload_name(name: str | None) -> str:
    """An uploaded file's name as messages and the store keep it: its last part, printable, short."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in base if c.isprintable())[:200] or "upload.pdf"


async def login(request: Request) -> Response:
    """The sign-in page; async only to read the posted form (see :func:`form_page`), the sign-in
    itself (the account, the password hash) runs in the thread pool."""
    site = site_of(request)
    form = None
    if request.method == "POST" and site.local_user is None:
        form = await request.form(max_files=0, max_fields=20)
    return await anyio.to_thread.run_sync(sign_in, request, site, form)


def sign_in(request: Request, site: Site, form: Any) -> Response:
    if site.local_user is not None:
        return RedirectResponse("/screen", status_code=303)
    if form is None:
        return site.render(request, "login.html", error="")
    if not csrf_ok(request, form):
        return PlainTextResponse("missing or wrong CSRF token: reload the page", status_code=403)
    if field := control_characters(form):
        return site.render(request, "login.html", 400, error=f"{field}: a control character is not allowed.")
    name, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    client = request.client.host if request.client else "?"  # a named proxy's client (edge.py)
    device_cookie = request.cookies.get(DEVICE_COOKIE)
    # counted before the password is checked, in one step: concurrent guesses cannot slip past
    attempt = site.throttle.admit(client, name, site.devices.device_for(device_cookie, name))
    if isinstance(attempt, float):
        wait = math.ceil(attempt)
        refused = site.render(request, "login.html", 429,
                              error=f"Too many failed sign-ins for this name from here: try again in {wait} s.")  # fmt: skip
        refused.headers["Retry-After"] = str(wait)
        return refused
    found = site.bench.account(name)
    if found is None:
        dummy_verify(password)  # as long as a real check: an unknown name is not told apart by time
        ok = False
    else:
        ok = verify_password(password, found[1])
    session = site.bench.session(name) if ok else None
    if session is None:
        attempt.failed()
        return site.render(request, "login.html", 401, error="Unknown name or wrong password.")
    attempt.succeeded()
    request.session.clear()  # a new session on sign-in (no fixation), with a new CSRF token
    request.session.update(user=name, version=session[1])
    target = str(request.query_params.get("next", "/screen"))
    answer = RedirectResponse(
        target if target.startswith("/") and not target.startswith("//") else "/screen", 303
    )
    answer.set_cookie(DEVICE_COOKIE, site.devices.after_sign_in(device_cookie, name),
                      max_age=DEVICE_DAYS * 86400, httponly=True, samesite="strict")  # fmt: skip
    return answer


@form_page()
def logout(request: Request, site: Site, user: str, role: str) -> Response:
    request.session.clear()
    if site.local_user is None:
        site.bench.end_sessions(user)  # the cookie just cleared, and any copy of it, no longer opens a page
    return RedirectResponse("/login", status_code=303)


def home(request: Request) -> Response:
    return RedirectResponse("/screen", status_code=303)


def screen_page(
    request: Request, site: Site, user: str, role: str, record_id: str | None, stage: str, **extra: Any
) -> Response:
    bench = site.bench
    done, total = bench.progress(user, stage)
    extra["awaiting"] = bench.awaiting_count(user, stage)
    status = 400 if extra.get("error") else 200  # a refused decision: the page again, with why
    if record_id is None:
        return site.render(
            request, "screen.html", status, view=None, stage=stage, done=done, total=total, **extra
        )
    view = bench.view(record_id, user, stage, lead=role == "lead")
    return site.render(
        request, "screen.html", status, view=view, stage=stage, done=done, total=total,
        fulltext=bench.fulltext(record_id), missing=bench.fulltext_missing(record_id),
        upload_refused=bench.upload_refusal(user, record_id, lead=role == "lead"),
        previous=bench.neighbour(record_id, stage, -1), following=bench.neighbour(record_id, stage, 1),
        reasons=bench.reasons(), words=bench.highlight_words(), own_words=bench.highlight_words(user),
        history=bench.history(record_id, user, role == "lead") if extra.get("single") else [], **extra,
    )  # fmt: skip


@page()
def screen(request: Request, site: Site, user: str, role: str) -> Response:
    stage = _stage(request)
    awaiting_only = request.query_params.get("queue") == "awaiting"  # records others voted on, needing mine
    record_id = request.query_params.get("record") or site.bench.next_record(
        user, stage, awaiting_only=awaiting_only
    )
    return screen_page(request, site, user, role, record_id, stage, awaiting_only=awaiting_only,
                       uploaded=bool(request.query_params.get("uploaded")))  # fmt: skip


@page()
def record(request: Request, site: Site, user: str, role: str) -> Response:
    return screen_page(request, site, user, role, request.path_params["record_id"], _stage(request), single=True,
                       uploaded=bool(request.query_params.get("uploaded")))  # fmt: skip


@form_page()
def decide(request: Request, site: Site, user: str, role: str) -> Response:
    form = request.state.form
    stage, record_id = _stage(request, form), str(form.get("record_id", ""))
    try:
        site.bench.decide(user, record_id, stage, str(form.get("decision", "")), chosen_reason(form))
    except WorkbenchError as exc:
        return screen_page(request, site, user, role, record_id, stage, error=str(exc))
    if form.get("back") == "record":
        return RedirectResponse(f"/record/{in_url(record_id)}?stage={stage}", status_code=303)
    following = site.bench.next_record(user, stage, after=record_id)
    where = f"&record={in_url(following)}" if following else ""
    return RedirectResponse(f"/screen?stage={stage}{where}", status_code=303)


@form_page()
def undo(request: Request, site: Site, user: str, role: str) -> Response:
    stage = _stage(request, request.state.form)
    taken = site.bench.undo(user, stage)
    where = f"&record={in_url(taken.record_id)}" if taken else ""
    return RedirectResponse(f"/screen?stage={stage}{where}", status_code=303)


@form_page()
def note(request: Request, site: Site, user: str, role: str) -> Response:
    form = request.state.form
    stage, record_id = _stage(request, form), str(form.get("record_id", ""))
    site.bench.note(user, record_id, str(form.get("note", "")))
    return RedirectResponse(f"/screen?stage={stage}&record={in_url(record_id)}", status_code=303)


@form_page()
def words(request: Request, site: Site, user: str, role: str) -> Response:
    """Save highlight words: a reviewer's own, or (a lead only) the review's shared ones; then
    show the same record again (saving words is not a decision: it never moves on)."""
    form = request.state.form
    shared = form.get("scope") == "shared"
    if shared and role != "lead":
        return site.render(request, "message.html", 403, message="Only a lead may change the review's words.")
    site.bench.set_highlight_words(str(form.get("include", "")).split(","), str(form.get("exclude", "")).split(","),
                                   reviewer=None if shared else user)  # fmt: skip
    stage, record_id = _stage(request, form), str(form.get("record_id", ""))
    if form.get("back") == "record" and record_id:
        return RedirectResponse(f"/record/{in_url(record_id)}?stage={stage}", status_code=303)
    where = f"&record={in_url(record_id)}" if record_id else ""
    return RedirectResponse(f"/screen?stage={stage}{where}", status_code=303)


@page()
def fulltext(request: Request, site: Site, user: str, role: str) -> Response:
    """A record's PDF, to a signed-in user only: shown inline, framed only by this site's own pages.
    No CSP ``sandbox``: Chrome's PDF viewer refuses to draw a sandboxed document (a grey frame); a
    PDF holding JavaScript or a launch action is refused when it is stored (sources/pdf.py)."""
    found = site.bench.fulltext_data(request.path_params["record_id"])
    if found is None:
        return site.render(request, "message.html", 404, message="No full text is stored for this record.")
    stored, data = found
    return Response(data, media_type="application/pdf", headers={
        "content-disposition": f'inline; filename="{served_name(stored.file_name)}"',
        "x-content-type-options": "nosniff",
        "content-security-policy": "frame-ancestors 'self'", "x-frame-options": "SAMEORIGIN",
    })  # fmt: skip


def served_name(file_name: str) -> str:
    """The name a full text is served under: the stored name in safe characters, always ending in
    .pdf (what is served is a checked PDF, whatever the upload was called: x.html is x.pdf)."""
    safe = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in file_name)
    stem = safe.rsplit(".", 1)[0] if "." in safe else safe
    return (stem if stem.strip("._-") else "fulltext") + ".pdf"


@form_page(upload=True)
def upload_fulltext(request: Request, site: Site, user: str, role: str) -> Response:
    """Attach an uploaded PDF to a record (checked first: a refused file is one line, nothing stored)."""
    form = request.state.form
    stage, record_id = _stage(request, form), str(form.get("record_id", ""))
    name, data = request.state.upload
    if not data:
        raise WorkbenchError("choose a PDF file to upload")
    site.bench.attach_fulltext(user, record_id, name, data, lead=role == "lead")
    if form.get("back") == "record":  # "uploaded": the page says the file is attached
        return RedirectResponse(f"/record/{in_url(record_id)}?stage={stage}&uploaded=1", status_code=303)
    return RedirectResponse(f"/screen?stage={stage}&record={in_url(record_id)}&uploaded=1", status_code=303)


@page(lead=True)
def conflicts_page(request: Request, site: Site, user: str, role: str) -> Response:
    return site.render(request, "conflicts.html", conflicts=site.bench.conflicts(),
                       reasons=site.bench.reasons())  # fmt: skip


@page(lead=True)
def records(request: Request, site: Site, user: str, role: str) -> Response:
    """The lead's record list, filtered by stage, decision, reviewer and conflict."""
    given = {k: request.query_params.get(k, "").strip() for k in ("decision", "reviewer", "conflict")}
    stage = _stage(request)
    listing = site.bench.record_list(stage, **given)
    return site.render(request, "records.html", stage=stage, chosen=given, **listing)


@form_page(lead=True)
def consensus(request: Request, site: Site, user: str, role: str) -> Response:
    form = request.state.form
    site.bench.resolve(user, str(form.get("record_id", "")), _stage(request, form), str(form.get("decision", "")),
                       chosen_reason(form))  # fmt: skip
    return RedirectResponse("/conflicts", status_code=303)


@page()
def duplicates(request: Request, site: Site, user: str, role: str) -> Response:
    return site.render(request, "duplicates.html", pairs=site.bench.maybe_pairs())


@form_page()
def pair(request: Request, site: Site, user: str, role: str) -> Response:
    form = request.state.form
    site.bench.settle_pair(user, str(form.get("a", "")), str(form.get("b", "")), str(form.get("verdict", "")),
                           lead=role == "lead")  # fmt: skip
    return RedirectResponse("/duplicates", status_code=303)


@page()
def search(request: Request, site: Site, user: str, role: str) -> Response:
    text = request.query_params.get("q", "").strip()
    found, total, notes = site.bench.search(text) if text else ([], 0, [])
    return site.render(request, "search.html", q=text, found=found, total=total, notes=notes)


@page()
def dashboard(request: Request, site: Site, user: str, role: str) -> Response:
    bench = site.bench
    if role != "lead":  # blind until resolved: a reviewer's own progress, nothing of anyone else's
        return site.render(request, "progress.html", mine=bench.own_progress(user))
    return site.render(request, "dashboard.html", board=bench.dashboard(), downloads=bench.downloads(),
                       rendered=bench.rendered_from(), live=LIVE_DOWNLOADS, extraction=bench.extraction_agreement(),
                       stopping=[bench.stopping(stage) for stage in STAGES])  # fmt: skip


@page()
def extract_list(request: Request, site: Site, user: str, role: str) -> Response:
    """The records included at full text, with this user's own extraction progress (blind)."""
    return site.render(request, "extract_list.html", records=site.bench.extraction_list(user))


@page()
def extract_form(request: Request, site: Site, user: str, role: str) -> Response:
    """One record's extraction form: the user's own values, else the machine's suggestions with evidence."""
    record_id = request.path_params["record_id"]
    form = site.bench.extraction_form(record_id, user)
    if form is None:
        return site.render(request, "message.html", 404, message=f"{record_id} has no extraction form: "
                           "only records included at full text are extracted.")  # fmt: skip
    saved = request.query_params.get("saved", "")  # the count a save redirected with; nothing else is shown
    return site.render(request, "extract.html", form=form, saved=saved if saved.isdigit() else None)


@form_page()
def extract_save(request: Request, site: Site, user: str, role: str) -> Response:
    form = request.state.form
    record_id = request.path_params["record_id"]
    posted = {k[len("col_") :]: str(v) for k, v in form.items() if k.startswith("col_")}
    seen = str(form.get("seen", ""))
    try:
        stored = site.bench.save_extraction(user, record_id, posted, int(seen) if seen.isdigit() else None)
    except WorkbenchError as exc:  # the form again with what was typed and why: no edit is lost
        shown = site.bench.extraction_form(record_id, user)
        if shown is None:
            raise
        if seen.isdigit():  # still the form first shown: saved again, it reverts nothing saved since
            shown["seen"] = int(seen)
        for field in shown["fields"]:
            field["value"] = posted.get(field["column"], field["value"])
        return site.render(request, "extract.html", 400, form=shown, saved=None, error=str(exc))
    return RedirectResponse(f"/extract/{in_url(record_id)}?saved={stored}", status_code=303)


@page(lead=True)
def extract_conflicts(request: Request, site: Site, user: str, role: str) -> Response:
    return site.render(request, "extract_conflicts.html", conflicts=site.bench.extraction_conflicts())


@form_page(lead=True)
def extract_consensus(request: Request, site: Site, user: str, role: str) -> Response:
    form = request.state.form
    site.bench.settle_extraction(user, str(form.get("record_id", "")), str(form.get("column", "")),
                                 str(form.get("value", "")))  # fmt: skip
    return RedirectResponse("/extract/conflicts", status_code=303)


# counts, the diagram and every download show what others decided: the lead's alone
@page(lead=True)
def prisma_svg(request: Request, site: Site, user: str, role: str) -> Response:
    return Response(site.bench.prisma_svg(), media_type="image/svg+xml")


@page(lead=True)
def download(request: Request, site: Site, user: str, role: str) -> Response:
    name = request.path_params["name"]
    made = site.bench.live_download(name)  # made from the workspace now: never stale
    if made is not None:
        kind = "application/json" if name.endswith(".json") else "text/csv; charset=utf-8"
        return Response(
            made, media_type=kind, headers={"content-disposition": f'attachment; filename="{name}"'}
        )
    path = site.bench.download_path(name)
    return FileResponse(path, filename=path.name)


ROUTES = [
    Route("/", home),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/screen", screen),
    Route("/record/{record_id:path}", record),
    Route("/decide", decide, methods=["POST"]),
    Route("/undo", undo, methods=["POST"]),
    Route("/note", note, methods=["POST"]),
    Route("/words", words, methods=["POST"]),
    Route("/fulltext", upload_fulltext, methods=["POST"]),
    Route("/fulltext/{record_id:path}", fulltext),
    Route("/conflicts", conflicts_page),
    Route("/records", records),
    Route("/consensus", consensus, methods=["POST"]),
    Route("/duplicates", duplicates),
    Route("/pair", pair, methods=["POST"]),
    Route("/search", search),
    Route("/extract", extract_list),
    Route("/extract/conflicts", extract_conflicts),
    Route("/extract/consensus", extract_consensus, methods=["POST"]),
    # a record keyed by its DOI holds "/" ("csv:10.1016/..."): the save's route first, the form's after
    Route("/extract/{record_id:path}/save", extract_save, methods=["POST"]),
    Route("/extract/{record_id:path}", extract_form),
    Route("/dashboard", dashboard),
    Route("/dashboard/prisma.svg", prisma_svg),
    Route("/download/{name}", download),
    Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
]


def create_app(bench: Workbench, *, local_user: str | None = None, secret_key: str | None = None,
               host: str = "127.0.0.1", rank: bool = True, proxies: Sequence[str] = (),
               https_only: bool = False) -> ASGIApp:  # fmt: skip
    """The workbench app over an open workspace. ``local_user`` serves a workspace without accounts
    (loopback only); ``secret_key`` signs the session cookies (default: a fresh random key, kept only
    in memory, so a restart signs everyone out and nothing secret is written anywhere); ``proxies``:
    the reverse proxies whose X-Forwarded-For/-Proto are believed (none by default); ``https_only``:
    served only over TLS (Secure cookies and HSTS on every response, not only on https requests)."""
    secret_key = secret_key or secrets.token_urlsafe(48)
    site = Site(bench, local_user=local_user, secret_key=secret_key)
    bench.look_each_call = False  # one look at the workspace per request (Site.signed_in)
    if rank:  # prioritised order: ranked at start, then retrained in the background as decisions come in
        bench.start_ranking()
    middleware = [Middleware(SessionMiddleware, secret_key=secret_key,
                             session_cookie="litreview_session", same_site="strict", max_age=12 * 3600)]  # fmt: skip
    if is_loopback(host):  # a rebound DNS name cannot reach a loopback server's pages
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=sorted({*LOOPBACK_HOSTS, host})))
    middleware.append(Middleware(SecurityHeaders))
    app = Starlette(routes=ROUTES, middleware=middleware)
    app.state.site = site
    # outside the app: the body cap (before anything reads a byte), who the client is, then Secure
    # on every cookie the app and its session middleware set
    return BodyLimit(BehindProxies(SecureTransport(app, https_only=https_only), list(proxies)),
                     larger={"/fulltext": MAX_UPLOAD})  # fmt: skip


# an upload's body: the largest PDF kept, and the form around it (the CSRF token, the record, the stage)
MAX_UPLOAD = MAX_PDF_BYTES + MAX_BODY

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                                 b"frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"), (b"cache-control", b"no-store"),
]  # fmt: skip


class SecurityHeaders:
    """Adds the security headers to every response (plain ASGI: no buffering of downloads); a
    response that sets one itself (a full text's sandbox policy) keeps its own."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                own = {k.lower() for k, _ in headers}
                message["headers"] = [*headers, *((k, v) for k, v in SECURITY_HEADERS if k not in own)]
            await send(message)

        await self.app(scope, receive, with_headers)
