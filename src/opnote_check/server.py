"""The scribe page and JSON API (FastAPI). Local by default; note text is never logged.

    GET  /            the page: paste a note (and planned claim lines), press Check
    POST /api/check   {"note", "lines"?, "claim"?, "case_id"?, "highlight"?, "render"?} -> the §4 report
    POST /api/note    a note file as the body (?name=op.docx) -> {"name", "text"}
    GET  /api/rules   the rule catalogue
    GET  /healthz     liveness
    GET  /docs        OpenAPI docs (Swagger UI served from the local swagger-ui-bundle package)
"""

from __future__ import annotations

import ipaddress
import logging
import time
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field

from . import __version__
from .claims import Claim, ClaimError, claim_from_object, claim_from_specs
from .notes import NoteError, check_text, note_from_bytes
from .render.html import highlight_note, render_page_result
from .models import Report
from .rules import catalogue

MAX_BODY_BYTES = 1_000_000
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
DOCS_CSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'"

log = logging.getLogger("opnote_check.access")


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(description="The dictated operative note, as text.")
    lines: list[str] | str | None = Field(
        default=None, description="Billed lines in the --line syntax, as a list or one string: '22630 22632 63052 63053-51'."
    )
    claim: dict[str, Any] | None = Field(default=None, description='A claim object: {"case_id", "lines": [{"code", "units", "modifiers"}]}.')
    case_id: str | None = None
    highlight: bool = Field(default=False, description="Also return the note as escaped HTML with every span highlighted.")
    render: bool = Field(default=False, description="Also return the scribe page's result as HTML ('html'), rendered by the server's templates.")


class CheckResponse(Report):
    """The report, with the note as highlighted HTML (`highlight`) and the page's result (`render`)."""

    note_html: str | None = None
    html: str | None = None


class ErrorDetail(BaseModel):
    detail: str


class NoteText(BaseModel):
    name: str
    text: str


class BodyLimit:
    """ASGI middleware: 413 for a request body over the cap, whether it declares its length or not.
    The body is read (at most cap bytes) before the app sees it, then replayed."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await _too_large(send, self.limit)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message]), send)
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                return await _too_large(send, self.limit)
            more = message.get("more_body", False)
        await self.app(scope, _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}], receive), send)


def _replay(messages: list[dict], then=None):
    async def receive():
        if messages:
            return messages.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


async def _too_large(send, limit: int) -> None:
    body = f'{{"detail": "request body is over the {limit:,}-byte limit"}}'.encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _claim(req: CheckRequest) -> Claim | None:
    if req.claim is not None and req.lines:
        raise ClaimError("give the billed lines as 'lines' or as 'claim', not both")
    if req.claim is not None:
        return claim_from_object(req.claim, "claim")
    if req.lines:
        specs = req.lines.replace(",", " ").split() if isinstance(req.lines, str) else req.lines
        return claim_from_specs(specs, req.case_id)
    return None


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def host_name(header: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1'; '[::1]:8000' -> '::1'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def create_app(patterns: str | None = None, max_body: int = MAX_BODY_BYTES,
               allowed_hosts: tuple[str, ...] | None = LOOPBACK_NAMES) -> FastAPI:
    """`allowed_hosts`: the Host names a request may carry (a web page elsewhere cannot drive the
    local API through DNS rebinding); None accepts any (serving on all interfaces, by choice)."""
    from .checker import Checker

    checker = Checker(patterns)  # pipeline and tables built once, at start-up
    app = FastAPI(
        title="opnote-check",
        version=__version__,
        description="Per-level documentation check of lumbar operative notes for CPT 63052/63053.",
        docs_url=None,
        redoc_url=None,
    )
    static = files("opnote_check") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    try:  # Swagger UI 5 (renders OpenAPI 3.1), served from the installed swagger-ui-py package
        import swagger_ui

        app.mount("/swagger", StaticFiles(directory=str(Path(swagger_ui.__file__).parent / "static")), name="swagger")
    except ImportError:  # docs without assets still serve the OpenAPI JSON
        pass

    app.add_middleware(BodyLimit, limit=max_body)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"] if p != "body")
        return JSONResponse({"detail": f"{where + ': ' if where else ''}{err['msg']}"}, status_code=422)

    @app.middleware("http")
    async def _access_log(request: Request, call_next):
        start = time.perf_counter()
        if allowed_hosts is not None and host_name(request.headers.get("host", "")) not in allowed_hosts:
            response = JSONResponse({"detail": "request refused: the Host header is not this machine"}, status_code=400)
        else:
            response = await call_next(request)
        ms = (time.perf_counter() - start) * 1000
        log.info("%s %s %s %.1fms", request.method, request.url.path, response.status_code, ms)
        if request.url.path == "/docs":
            response.headers["Content-Security-Policy"] = DOCS_CSP
        else:
            response.headers["Content-Security-Policy"] = PAGE_CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response

    index_html = (static / "index.html").read_text(encoding="utf-8")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(index_html)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="opnote-check API",
            swagger_js_url="/swagger/swagger-ui-bundle.js",
            swagger_css_url="/swagger/swagger-ui.css",
            swagger_favicon_url="/swagger/favicon-32x32.png",
        )

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok", "version": __version__, "patterns_version": checker.patterns_version}

    @app.get("/api/rules")
    def rules() -> list[dict]:
        return catalogue()

    @app.post("/api/check", response_model=None, responses={
        200: {"model": CheckResponse, "description": "The report (SPEC §4)."},
        422: {"model": ErrorDetail, "description": "The note or the claim cannot be checked (one message)."},
        413: {"model": ErrorDetail, "description": "The request body is over the limit."},
    })
    def check(req: CheckRequest) -> JSONResponse:
        """Check one note (and its planned or billed lines); every gap with its evidence and a fix."""
        try:
            text = check_text(req.note, "note")
            claim = _claim(req)
        except (NoteError, ClaimError) as exc:
            return JSONResponse({"detail": str(exc)}, status_code=422)
        report = checker.report(checker.extract(text), claim, req.case_id)
        body = report.model_dump(mode="json")
        if req.highlight:
            body["note_html"] = highlight_note(text, report)
        if req.render:
            body["html"] = render_page_result(report, text)
        return JSONResponse(body)

    @app.post("/api/note", response_model=None, responses={
        200: {"model": NoteText, "description": "The note's text; offsets of a check index it."},
        422: {"model": ErrorDetail, "description": "Not a readable note file."},
    }, openapi_extra={"requestBody": {"required": True, "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
    async def note_file(request: Request, name: str = "note.txt") -> JSONResponse:
        """A note file's text (.txt, .docx, .rtf, .pdf), as the page's file drop sends it: the raw
        file as the request body, its name in `name`."""
        try:
            text = note_from_bytes(await request.body(), name, "file")
        except NoteError as exc:
            return JSONResponse({"detail": str(exc).removeprefix("file: ")}, status_code=422)
        return JSONResponse({"name": name, "text": text})

    return app


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(host: str = "127.0.0.1", port: int = 8000, patterns: str | None = None, max_body: int = MAX_BODY_BYTES) -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if not is_loopback(host):
        logging.getLogger("opnote_check").warning(
            "serving on %s: the page is reachable from other machines; notes are PHI, use 127.0.0.1 unless that is intended", host
        )
    allowed = LOOPBACK_NAMES if is_loopback(host) else (None if host in ("0.0.0.0", "::") else (host_name(host), *LOOPBACK_NAMES))
    app = create_app(patterns, max_body, allowed)
    shown = f"[{host}]" if ":" in host else host
    print(f"opnote-check: serving the scribe page on http://{shown}:{port}/ (API docs: /docs); Ctrl-C stops it", flush=True)
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
