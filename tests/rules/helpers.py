"""Small builders for rule tests: an Extraction or a Claim in one line."""

from opnote_check.claims import claim_from_specs
from opnote_check.extract import supported_lines
from opnote_check.models import Arthrodesis, CoSurgeon, Evidence, Extraction, Indication, SameSession, Segment

EV = Evidence(start=0, end=4, text="L4-5", section="description", kind="technique")


def seg(interspace="L4-L5", fused=True, techniques=("laminotomy",), laterality="left", findings=("stenosis",),
        prep_only=False, technique_named=True, lumbar=True):
    return Segment(interspace=interspace, fused=fused, techniques=list(techniques), laterality=laterality,
                   findings=list(findings), prep_only=prep_only, technique_named=technique_named, lumbar=lumbar,
                   evidence=[EV])


def indication(interspace=None):
    return Indication(interspace=interspace, evidence=EV)


def extraction(*segments, posterior=True, technique="TLIF", session="implied", staged=False, co_surgeon=False,
               unattributed=(), vague=(), posterolateral=False, indications=(None,)):
    """indications: the interspaces the note names a pathology at (None: the lumbar spine as a whole)."""
    fused = [s.interspace for s in segments if s.fused] if posterior else []
    same_session = SameSession(status=session, staged=staged, evidence=[])
    return Extraction(
        arthrodesis=Arthrodesis(posterior_interbody=posterior, technique=technique, interspaces=fused,
                                posterolateral=posterolateral, evidence=[]),
        segments=list(segments),
        same_session=same_session,
        co_surgeon=CoSurgeon(documented=co_surgeon, evidence=[]),
        supported_lines=supported_lines(list(segments), same_session),
        unattributed_decompression=list(unattributed),
        vague_cues=list(vague),
        indications=[indication(i) for i in indications],
    )


def claim(*specs):
    return claim_from_specs(list(specs))
