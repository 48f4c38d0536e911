"""Stage session: same session and co-surgeon statements (issue 8 classes 12, 15)."""

import pytest




# 12. Co-surgeon in the passive --------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, documented",
    [
        ("The exposure will be separately dictated by Dr. Alvarez.", True),
        ("The decompression is described in a separate note by Dr. Obi.", True),
        ("Dr. Lim assisted with retraction.", False),
        ("The pathology report will be dictated separately.", False),
    ],
)
def test_co_surgeon_passive(extract, text, documented):
    assert extract(text).co_surgeon.documented is documented

# 15. Same session ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, status",
    [
        ("Preoperative diagnosis: stenosis L4-5.\nPostoperative diagnosis: Same.\nProcedure: L4-5 laminotomy. TLIF L4-5 next week.", "not_documented"),
        ("Postoperative diagnosis: same\nProcedure performed: L4-5 laminotomies.", "not_documented"),
        ("The decompression and the TLIF at L4-5 were performed under the same anesthetic. Left L4-5 laminotomy.", "explicit"),
    ],
)
def test_same_session_statements(extract, text, status):
    assert extract(text).same_session.status == status

@pytest.mark.parametrize(
    "text, documented",
    [
        ("Co-surgeon present: \u2610 Yes  \u2612 No\n", False),
        ("Co-surgeon present: [ ] Yes [x] No\n", False),
        ("Co-surgeon present: \u2612 Yes  \u2610 No\nDr. Obi performed the exposure as co-surgeon.\n", True),
    ],
)
def test_checked_no_answers_its_question(extract, text, documented):
    assert extract(text).co_surgeon.documented is documented
