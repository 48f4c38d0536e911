import re

from opnote_check.check import build_report
from opnote_check.claims import claim_from_specs
from opnote_check.render.html import render_html

NOTE = (
    "PROCEDURES: Left TLIF L4-L5.\n"
    "DESCRIPTION: A left L4-L5 laminotomy was done for a compressed left L5 root. No foraminotomy was needed. <script>alert(1)</script> "
    "Prior L3-4 laminectomy & \"scar\".\n"
)


def report(extract, library, note=NOTE):
    return build_report(extract(note), claim_from_specs(["22630", "63052-51"]), library, "v", "case <1>")


def test_note_text_is_escaped(extract, library):
    html = render_html(report(extract, library), NOTE)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "case &lt;1&gt;" in html and "case <1>" not in html
    assert "</mark> &amp; &quot;<mark" in html
    assert html.count("<script>") == 1  # only the page's own small script


def test_self_contained(extract, library):
    html = render_html(report(extract, library), NOTE)
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_spans_are_highlighted_by_kind_and_status(extract, library):
    html = render_html(report(extract, library), NOTE)
    assert re.search(r'<mark class="technique affirmed"[^>]*>laminotomy</mark>', html)
    assert re.search(r'<mark class="technique negated"[^>]*>foraminotomy</mark>', html)
    assert re.search(r'<mark class="technique historical"[^>]*>laminectomy</mark>', html)
    assert re.search(r'<mark class="level[^"]*"[^>]*>L4-L5</mark>', html)


def test_a_struck_through_span_says_why_on_hover(extract, library):
    html = render_html(report(extract, library), NOTE)
    negated = re.search(r'<mark class="technique negated"[^>]*title="([^"]*)"[^>]*>foraminotomy</mark>', html)
    assert negated and "technique.foraminotomy" in negated.group(1) and "negated by the cue" in negated.group(1)
    assert "context.negated_existence." in negated.group(1)
    affirmed = re.search(r'<mark class="technique affirmed"[^>]*title="([^"]*)"[^>]*>laminotomy</mark>', html)
    assert affirmed and "technique.laminotomy" in affirmed.group(1) and "cue" not in affirmed.group(1)


def test_gaps_link_to_their_evidence(extract, library):
    r = report(extract, library)
    html = render_html(r, NOTE)
    assert "MODIFIER_51_ON_ADDON" in html and "SEGMENT_COUNT_MISMATCH" not in html
    for gap in r.gaps:
        for ev in gap.evidence:
            anchor = f"s{ev.start}-{ev.end}"
            assert f"data-target='{anchor}'" in html and (f'id="{anchor}"' in html or anchor in html)


def test_text_outside_spans_is_kept_in_order(extract, library):
    html = render_html(report(extract, library), NOTE)
    body = re.search(r"<pre class='note'>(.*)</pre>", html, re.S).group(1)
    from html import unescape

    assert unescape(re.sub(r"<[^>]+>", "", body)) == NOTE
