"""Full texts over HTTP on a real socket: served only to a signed-in user, framed only by its own pages;
hostile uploads (not a PDF, truncated, 200 MB, encrypted, JavaScript, a decompression bomb) each
refused in one line with nothing stored, and the server keeps serving."""

from __future__ import annotations

import hashlib
import html
import re
import socket
from urllib.parse import quote, unquote, urlsplit

import anyio
import httpx
import pytest
from starlette.testclient import TestClient
from tests.pdf_files import deflated_zeros, encrypted, stream, text_pdf, xfa_pdf

from litreview.pipeline.fulltexts import NOT_RETRIEVED_META, attach
from litreview.records import Citation, Decision
from litreview.sources.pdf import check_pdf
from litreview.store.workspace import Workspace
from litreview.testing.workspaces import build_workspace
from litreview.web.accounts import add_user
from litreview.web.app import create_app
from litreview.web.workbench import Workbench

from .conftest import PASSWORD, csrf_of
from .serving import served

ARTICLE = text_pdf("Desloratadine in seasonal allergic rhinitis", "A randomised trial")
HOSTILE = {
    "notes.pdf": (b"Dear editor, please find attached\n", "not a PDF"),
    "cut.pdf": (ARTICLE[: len(ARTICLE) // 2], "truncated"),
    "locked.pdf": (encrypted(ARTICLE, "reader-secret"), "encrypted"),
    "script.pdf": (text_pdf("x", catalog=b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> "),
                   "holds JavaScript"),
    "bomb.pdf": (text_pdf("x", content=stream(deflated_zeros(81), b"/Filter /FlateDecode ")),
                 "a decompression bomb"),
    "xfa.pdf": (xfa_pdf(), "holds"),  # an XFA form's <script>: JavaScript Acrobat runs on opening
}  # fmt: skip


@pytest.fixture
def server(bench):
    with served(Workbench(bench.root)) as url:
        yield url


def signed_in(base: str, name: str) -> httpx.Client:
    c = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    token = csrf_of(c.get("/login").text)
    assert (
        c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token}).status_code
        == 303
    )
    return c


def upload(c: httpx.Client, record_id: str, name: str, data: bytes) -> httpx.Response:
    token = csrf_of(c.get(f"/record/{record_id}").text)
    return c.post("/fulltext", data={"csrf_token": token, "record_id": record_id, "stage": "full_text",
                                     "back": "record"}, files={"file": (name, data, "application/pdf")})  # fmt: skip


def reached_full_text(bench, *record_ids: str) -> None:
    """The records pass title/abstract screening (a reviewer may then upload their full texts)."""
    with Workspace.existing(bench.root) as ws, ws.transaction():
        ws.add_human_decisions(
            "ta", [Decision(r, "title_abstract", "include", "", "lea", "human") for r in record_ids]
        )


def stored(root) -> list:
    with Workspace.reading(root) as ws:
        return ws.fulltexts(replaced=True)


def message(page: str) -> str:
    found = re.search(r'data-testid="message">([^<]*)<', page)
    assert found, page
    return found.group(1)


def test_a_pdf_is_uploaded_and_served_only_to_a_signed_in_user(server, bench):
    c = signed_in(server, "ana")
    record_id = bench.ids[0]
    reached_full_text(bench, record_id)
    assert c.get(f"/fulltext/{record_id}").status_code == 404
    answer = upload(c, record_id, "../../etc/article.pdf", ARTICLE)
    assert (
        answer.status_code == 303
        and answer.headers["location"] == f"/record/{record_id}?stage=full_text&uploaded=1"
    )
    got = c.get(f"/fulltext/{record_id}")
    assert got.status_code == 200 and got.content == ARTICLE
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == 'inline; filename="article.pdf"'
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers.get_list("content-security-policy") == ["frame-ancestors 'self'"]
    assert got.headers["x-frame-options"] == "SAMEORIGIN"
    (kept,) = stored(bench.root)
    assert (kept.file_name, kept.added_by, kept.sha256) == (
        "article.pdf",
        "ana",
        hashlib.sha256(ARTICLE).hexdigest(),
    )
    page = c.get(f"/record/{record_id}").text
    assert f'href="/fulltext/{record_id}" data-testid="fulltext-link"' in page
    stranger = httpx.Client(base_url=server, follow_redirects=False)
    refused = stranger.get(f"/fulltext/{record_id}")
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    assert stranger.post("/fulltext", files={"file": ("a.pdf", ARTICLE)}).status_code == 403
    assert len(stored(bench.root)) == 1


def test_the_full_text_screen_frames_the_pdf_beside_the_decision(server, bench):
    with Workspace.existing(bench.root) as ws, ws.transaction():
        ws.add_human_decisions("b", [Decision(bench.ids[0], "title_abstract", "include", "", "ana", "human")])
    c = signed_in(server, "ana")
    page = c.get(f"/screen?stage=full_text&record={bench.ids[0]}").text
    assert 'data-testid="fulltext-none"' in page and 'data-testid="fulltext-upload"' in page
    uploaded = upload(c, bench.ids[0], "a.pdf", ARTICLE)
    assert (
        uploaded.status_code == 303
        and 'data-testid="fulltext-uploaded"' in c.get(uploaded.headers["location"]).text
    )
    answer = c.get(f"/screen?stage=full_text&record={bench.ids[0]}")
    assert 'data-testid="fulltext-uploaded"' not in answer.text  # said once, after the upload
    assert f'<iframe data-testid="fulltext" src="/fulltext/{bench.ids[0]}"' in answer.text
    assert answer.text.index('data-testid="fulltext"') < answer.text.index('data-testid="decide-include"')
    assert "frame-src 'self'" in answer.headers["content-security-policy"]


def test_an_upload_ends_a_fetchs_not_retrieved_on_the_page_and_in_prisma(server, bench):
    """The fetch found no full text for a record (its reason kept): the full-text page says why and
    the lead's PRISMA counts a report not retrieved; a reviewer's upload ends both."""
    record_id = bench.ids[0]
    reached_full_text(bench, record_id)
    with Workspace.existing(bench.root) as ws, ws.transaction():
        ws.set_meta(NOT_RETRIEVED_META, {record_id: "HTTP 404 for the PDF"})
    ana, lea = signed_in(server, "ana"), signed_in(server, "lea")

    def seen() -> tuple[str, str]:
        page = ana.get(f"/screen?stage=full_text&record={record_id}").text
        missing = re.search(r'data-testid="fulltext-missing">([^<]*)<', page)
        counted = re.search(r'data-testid="prisma-not-retrieved">(\d+)<', lea.get("/dashboard").text)
        assert counted, "no PRISMA count on the dashboard"
        return missing.group(1) if missing else "", counted.group(1)

    assert seen() == ("HTTP 404 for the PDF", "1")
    assert upload(ana, record_id, "found.pdf", ARTICLE).status_code == 303
    assert seen() == ("", "0")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_upload_is_refused_in_one_line_and_nothing_is_stored(server, bench, name):
    data, reason = HOSTILE[name]
    reached_full_text(bench, bench.ids[0])
    c = signed_in(server, "ana")
    answer = upload(c, bench.ids[0], name, data)
    assert answer.status_code == 400
    said = message(answer.text)
    assert said.startswith(f"{name}: {reason}") and "\n" not in said, said
    assert stored(bench.root) == []
    assert c.get("/screen").status_code == 200  # the server keeps serving
    assert upload(c, bench.ids[0], "good.pdf", ARTICLE).status_code == 303


def test_a_200_mb_upload_is_refused_before_a_byte_is_read(server, bench):
    c = signed_in(server, "ana")
    token = csrf_of(c.get("/screen").text)
    url = urlsplit(server)
    with socket.create_connection((url.hostname, url.port), timeout=10) as raw:
        cookie = "; ".join(f"{k}={v}" for k, v in c.cookies.items())
        raw.sendall(
            b"POST /fulltext HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            + f"Cookie: {cookie}\r\nContent-Length: {200 * 1024 * 1024}\r\n\r\n".encode()
            + f'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode()
        )
        received = b""
        while chunk := raw.recv(4096):  # the server closes the connection after its answer
            received += chunk
    head = received.decode()
    assert head.startswith("HTTP/1.1 413") and "request body larger than 105906176 bytes" in head
    assert stored(bench.root) == [] and c.get("/screen").status_code == 200
    # the larger limit is the upload's alone: any other form keeps the 1 MiB cap
    big = c.post(
        "/note", data={"csrf_token": token, "record_id": bench.ids[0], "note": "x" * (2 * 1024 * 1024)}
    )
    assert big.status_code == 413


def test_a_reviewer_uploads_only_at_full_text_and_never_over_anothers_file(server, bench):
    at_ta, at_ft = bench.ids[1], bench.ids[2]
    reached_full_text(bench, at_ft)
    ana, ben, lea = signed_in(server, "ana"), signed_in(server, "ben"), signed_in(server, "lea")
    assert 'data-testid="fulltext-upload-refused"' in ana.get(f"/record/{at_ta}").text
    answer = upload(ana, at_ta, "a.pdf", ARTICLE)
    assert answer.status_code == 400 and "passed title/abstract screening" in message(answer.text)
    assert stored(bench.root) == []
    assert upload(ana, at_ft, "a.pdf", ARTICLE).status_code == 303
    assert upload(ana, at_ft, "a2.pdf", ARTICLE + b"\n").status_code == 303  # one's own file: replaced
    answer = upload(ben, at_ft, "b.pdf", ARTICLE)
    assert answer.status_code == 400 and "only a lead may replace it" in message(answer.text)
    assert [(f.file_name, f.added_by) for f in stored(bench.root)] == [("a.pdf", "ana"), ("a2.pdf", "ana")]
    # a lead may upload at any stage and replace anyone's file
    assert upload(lea, at_ta, "l.pdf", ARTICLE).status_code == 303
    assert upload(lea, at_ft, "l2.pdf", text_pdf("Another report of the same trial")).status_code == 303
    assert {f.record_id: f.added_by for f in stored(bench.root) if f.replaced_at is None} == {
        at_ta: "lea", at_ft: "lea"
    }  # fmt: skip


def pmid_of(bench, record_id: str) -> str:
    with Workspace.reading(bench.root) as ws:
        return next(iter(ws.records([record_id]))).pmid


def test_an_upload_naming_another_record_and_not_this_one_is_refused(server, bench):
    """The matcher `fulltext add` uses reads the upload's name and its first page's header: a file
    that names another record (its PMID in the header, or in the file name) and not this one is
    refused in one line naming that record; a file naming this record, or none, is attached."""
    mine, theirs, third = bench.ids[6], bench.ids[9], bench.ids[12]
    reached_full_text(bench, mine, theirs)
    ana = signed_in(server, "ana")
    header = text_pdf("Fexofenadine and nasal congestion: a crossover study",
                      f"PMID: {pmid_of(bench, theirs)}", "Introduction")  # fmt: skip
    for name, data in (("report.pdf", header),
                       (f"PMID-{pmid_of(bench, third)} toddlers.pdf", text_pdf("Loratadine syrup in toddlers"))):  # fmt: skip
        answer = upload(ana, mine, name, data)
        assert answer.status_code == 400, name
        said = html.unescape(message(answer.text))
        named = theirs if data is header else third
        assert said == f"{name}: it names {named}, not {mine}: upload it on that record", said
    assert stored(bench.root) == []
    assert upload(ana, theirs, "report.pdf", header).status_code == 303  # its own record takes it
    assert upload(ana, mine, "mine.pdf", text_pdf("A report that names no identifier")).status_code == 303
    assert {f.record_id for f in stored(bench.root)} == {theirs, mine}


def test_the_same_file_is_never_the_full_text_of_two_records(server, bench):
    """One PDF (one checksum) attached to a record is refused on another, naming the first; once the
    first record's file is replaced, it may go elsewhere."""
    first, second = bench.ids[7], bench.ids[8]
    reached_full_text(bench, first, second)
    ana, lea = signed_in(server, "ana"), signed_in(server, "lea")
    paper = text_pdf("Desloratadine and quality of life in chronic urticaria")
    assert upload(ana, first, "urticaria.pdf", paper).status_code == 303
    answer = upload(lea, second, "copy of urticaria.pdf", paper)
    assert answer.status_code == 400
    assert html.unescape(message(answer.text)) == (
        f"copy of urticaria.pdf: the same file is already the full text of {first}"
    )
    assert {f.record_id for f in stored(bench.root)} == {first}
    assert (
        upload(ana, first, "corrected.pdf", text_pdf("Desloratadine (corrected version)")).status_code == 303
    )
    assert upload(lea, second, "urticaria.pdf", paper).status_code == 303


def test_who_added_a_full_text_is_shown_to_leads_only(server, bench):
    record_id = bench.ids[0]
    reached_full_text(bench, record_id)
    assert upload(signed_in(server, "ana"), record_id, "a.pdf", ARTICLE).status_code == 303
    seen_by_ben = signed_in(server, "ben").get(f"/screen?stage=full_text&record={record_id}").text
    assert 'data-testid="fulltext-link"' in seen_by_ben
    assert "added by" not in seen_by_ben and ">ana<" not in seen_by_ben
    seen_by_lead = signed_in(server, "lea").get(f"/screen?stage=full_text&record={record_id}").text
    assert 'added by <span data-testid="fulltext-added-by">ana</span>' in seen_by_lead


def test_a_file_is_served_under_a_pdf_name_whatever_it_was_uploaded_as(server, bench):
    lea = signed_in(server, "lea")
    for record_id, sent, served_as in ((bench.ids[0], "x.html", "x.pdf"), (bench.ids[1], "notes", "notes.pdf"),
                                       (bench.ids[2], "Report.PDF", "Report.pdf"), (bench.ids[3], ".pdf", "fulltext.pdf")):  # fmt: skip
        assert upload(lea, record_id, sent, text_pdf(f"The full text of {record_id}")).status_code == 303
        got = lea.get(f"/fulltext/{record_id}")
        assert got.headers["content-disposition"] == f'inline; filename="{served_as}"'


def test_the_workbench_is_free_while_a_pdf_is_sent(bench):
    """The PDF's bytes are read under the workbench's guard; the guard is let go before the body is
    sent, so a slow download holds up no other request."""
    record_id = bench.ids[0]
    with Workspace.existing(bench.root) as ws:
        attach(ws, record_id, check_pdf(ARTICLE, "a.pdf"), ARTICLE, "lea", "a.pdf")
    workbench = Workbench(bench.root)
    inner = create_app(workbench, local_user="lea", rank=False)
    free_while_sending: list[bool] = []

    def guard_free() -> bool:  # from another thread, as another request would take it
        taken = workbench.guard.acquire(timeout=2)
        if taken:
            workbench.guard.release()
        return taken

    async def app(scope, receive, send):
        async def sending(message):
            if message["type"] == "http.response.body" and scope["path"].startswith("/fulltext/"):
                free_while_sending.append(await anyio.to_thread.run_sync(guard_free))
            await send(message)

        await inner(scope, receive, sending)

    try:
        c = TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000))
        got = c.get(f"/fulltext/{record_id}")
        assert got.status_code == 200 and got.content == ARTICLE
        assert free_while_sending and all(free_while_sending)
    finally:
        workbench.close()


def test_a_record_whose_id_holds_a_slash_or_a_question_mark_frames_its_own_pdf(tmp_path):
    """A CSV export with no id column keys a record by its DOI (``csv:10.1016/...``) and a native id
    may hold ``?`` or ``#``: the full-text screen frames and links that record's own PDF, and its
    record page opens, whatever the id holds (``csv:trial?arm=2`` once framed ``csv:trial``'s file)."""
    ids = ["csv:10.1016/j.lungcan.2019.04.011", "csv:trial", "csv:trial?arm=2", "csv:trial#2", "csv:50% dose"]
    root = tmp_path / "ws"
    records = [Citation(i, "csv", i.split(":", 1)[1], title=f"Report {n}", abstract="An abstract.")
               for n, i in enumerate(ids)]  # fmt: skip
    build_workspace(root, records, review_id="ids_with_marks")
    add_user(root, "lea", "lead", PASSWORD)
    pdfs = {i: text_pdf(f"Full text number {n}") for n, i in enumerate(ids)}
    with Workspace.existing(root) as ws:
        for i, data in pdfs.items():
            attach(ws, i, check_pdf(data, "a.pdf"), data, "lea", "a.pdf")
    workbench = Workbench(root)
    try:
        c = TestClient(create_app(workbench, rank=False), base_url="http://127.0.0.1", follow_redirects=False)
        c = signed_in_client(c, "lea")
        for record_id, data in pdfs.items():
            page = c.get("/screen", params={"stage": "full_text", "record": record_id}).text
            for link in re.findall(r'(?:src|href)="(/fulltext/[^"]+)"', page):
                got = c.get(html.unescape(link))
                assert got.status_code == 200 and got.content == data, (record_id, link)
            history = re.search(r'href="(/record/[^"]+)">history<', page).group(1)
            shown = c.get(html.unescape(history))
            assert (
                shown.status_code == 200
                and f'data-testid="record-id">{html.escape(record_id)}<' in shown.text
            )
        # signed out, the link leads to sign-in and back to the same record's file
        c.post("/logout", data={"csrf_token": csrf_of(c.get("/search").text)})
        link = f"/fulltext/{quote(ids[2], safe=':')}"
        back = c.get(link).headers["location"]
        token = csrf_of(c.get("/login").text)
        answer = c.post(back, data={"username": "lea", "password": PASSWORD, "csrf_token": token})
        assert unquote(answer.headers["location"]) == unquote(link)
        assert c.get(answer.headers["location"]).content == pdfs[ids[2]]
    finally:
        workbench.close()


def signed_in_client(c: TestClient, name: str) -> TestClient:
    token = csrf_of(c.get("/login").text)
    assert (
        c.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": token}).status_code
        == 303
    )
    return c
