"""The scribe page's API with FastAPI's TestClient."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from opnote_check.rules import REGISTRY
from opnote_check.server import create_app, is_loopback

from notefiles import docx_bytes, pdf_bytes, rtf_bytes

ROOT = Path(__file__).resolve().parents[1]
DEMO = (ROOT / "fixtures" / "notes" / "demo-tlif.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(max_body=200_000), base_url="http://127.0.0.1:8000")


def test_check_with_lines(client):
    response = client.post("/api/check", json={"note": DEMO, "lines": "22630 22632 63052 63053-51", "highlight": True})
    assert response.status_code == 200
    body = response.json()
    assert body["schema_version"] == "1" and {g["rule"] for g in body["gaps"]} >= {"MODIFIER_51_ON_ADDON", "TECHNIQUE_NOT_NAMED"}
    assert [s["interspace"] for s in body["segments"]] == ["L4-L5", "L5-S1"]
    assert "<mark" in body["note_html"]
    for gap in body["gaps"]:
        for ev in gap["evidence"]:
            assert DEMO[ev["start"] : ev["end"]] == ev["text"]


def test_check_with_claim_object_and_scribe_mode(client):
    claim = {"case_id": "x", "lines": [{"code": "22630", "units": 1}, {"code": "63052", "units": 1}]}
    assert client.post("/api/check", json={"note": DEMO, "claim": claim}).json()["billed_lines"][1]["code"] == "63052"
    scribe = client.post("/api/check", json={"note": DEMO}).json()
    assert scribe["billed_lines"] is None and scribe["supported_lines"]


@pytest.mark.parametrize(
    "payload, fragment",
    [
        ({"note": "   "}, "note is empty"),
        ({"note": DEMO, "lines": "6305"}, "not a CPT/HCPCS code"),
        ({"note": DEMO, "lines": ["63052x0"]}, "units must be 1 or more"),
        ({"note": DEMO, "claim": {"case_id": "a"}}, "missing field 'lines'"),
        ({"note": DEMO, "lines": "22630", "claim": {"lines": []}}, "not both"),
        ({"lines": "22630"}, "note: Field required"),
        ({"note": DEMO, "colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"note": 42}, "note: Input should be a valid string"),
    ],
)
def test_invalid_input_is_422_with_one_message(client, payload, fragment):
    response = client.post("/api/check", json=payload)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str) and fragment in detail and "\n" not in detail


def test_oversized_body_is_413(client):
    big = "L4-5 laminotomy. " * 20_000  # over the 200 KB cap of this app
    assert client.post("/api/check", json={"note": big}).status_code == 413
    chunks = (b"x" * 50_000 for _ in range(6))  # no Content-Length: counted as it streams
    response = client.post("/api/check", content=chunks, headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_rules_health_page_docs(client):
    rules = client.get("/api/rules").json()
    assert len(rules) == 30 and {"id", "severity", "source"} <= set(rules[0])  # SPEC §6 lists 22 rules
    assert [r["id"] for r in rules] == list(REGISTRY)
    assert client.get("/healthz").json()["status"] == "ok"
    page = client.get("/")
    assert page.status_code == 200 and "textarea" in page.text and "/static/app.js" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "https://" not in page.text and "http://" not in page.text
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/swagger/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text.lower()
    assert client.get("/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/openapi.json").json()["paths"]["/api/check"]


def test_static_assets_fetch_nothing_external(client):
    for asset in ("/static/app.js", "/static/app.css"):
        text = client.get(asset).text
        assert "http://" not in text and "https://" not in text and "@import" not in text


def test_note_text_never_logged(client, caplog):
    caplog.set_level("INFO", logger="opnote_check")
    secret = "Patient Zebulon Quixotic had a left L4-5 laminotomy."
    client.post("/api/check", json={"note": secret})
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "POST /api/check 200" in logged and "Zebulon" not in logged and "laminotomy" not in logged


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False), ("192.168.1.5", False)])
def test_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_render_returns_the_page_result_from_the_templates(client):
    body = client.post("/api/check", json={"note": DEMO, "lines": "22630 22632 63052 63053-51", "render": True}).json()
    html = body["html"]
    assert "class='checklist'" in html and "At L5-S1, please document" in html
    assert "63053-51 $204.75 ($204.75 at risk)" in html and "<script" not in html
    assert "render" not in client.post("/api/check", json={"note": DEMO}).json()


@pytest.mark.parametrize(
    "name, data, status, fragment",
    [
        ("op.docx", docx_bytes("PROCEDURES: Left TLIF L4-L5."), 200, "PROCEDURES: Left TLIF L4-L5."),
        ("op.rtf", rtf_bytes("PROCEDURES: Left TLIF L4-L5."), 200, "PROCEDURES: Left TLIF L4-L5."),
        ("op.pdf", pdf_bytes(["PROCEDURES: Left TLIF L4-L5."]), 200, "PROCEDURES: Left TLIF L4-L5."),
        ("op.txt", "L4\u2013L5 TLIF".encode("cp1252"), 200, "L4\u2013L5 TLIF"),
        # must NOT: a broken file is a one-line 422, never a 500
        ("op.docx", b"not a zip", 422, "not a readable .docx"),
        ("op.pdf", pdf_bytes([]), 422, "no text layer"),
    ],
)
def test_note_file_upload(client, name, data, status, fragment):
    response = client.post(f"/api/note?name={name}", content=data)
    assert response.status_code == status
    body = response.json()
    assert fragment in (body.get("text") or body.get("detail"))



@pytest.mark.parametrize(
    "host, status",
    [("127.0.0.1:8000", 200), ("localhost:8000", 200), ("[::1]:8000", 200),
     # must NOT: a name that resolves here only through DNS rebinding
     ("evil.example:8000", 400), ("127.0.0.1.evil.example", 400), ("", 400)],
)
def test_host_header_check(client, host, status):
    response = client.get("/healthz", headers={"host": host})
    assert response.status_code == status
    if status == 400:
        assert "Host header" in response.json()["detail"]
