import re
from pathlib import Path

from opnote_check.rules import REGISTRY, catalogue

ROOT = Path(__file__).resolve().parents[2]
SPEC_IDS = {
    "ADDON_WITHOUT_PRIMARY", "ADDON_63053_WITHOUT_63052", "UNITS_EXCEED_MUE", "MODIFIER_51_ON_ADDON",
    "MODIFIER_BILATERAL_ON_ADDON", "MODIFIER_66_NOT_ALLOWED", "ADDON_UNITS_EXCEED_FUSED", "INCOMPATIBLE_PRIMARY_PAIR",
    "NCCI_MODIFIER_NEEDED", "MICROSCOPE_NOT_PAYABLE", "NO_INTERBODY_ARTHRODESIS", "SEGMENT_COUNT_MISMATCH",
    "VAGUE_MULTILEVEL", "TECHNIQUE_NOT_NAMED", "LATERALITY_NOT_DOCUMENTED", "FINDINGS_NOT_DOCUMENTED",
    "SAME_SESSION_NOT_CONFIRMED", "DECOMPRESSION_AT_UNFUSED_LEVEL", "PREP_ONLY_FACETECTOMY",
    "CO_SURGEON_NOT_DOCUMENTED", "SAME_LEVEL_BILLED_AS_63047", "NON_LUMBAR_LEVEL",
    # added with the claim-check issue
    "REFERENCE_DATE_NOT_COVERED", "FUSION_ADDON_WITHOUT_PRIMARY", "SAME_INTERSPACE_22612_22630",
    "CO_SURGERY_MODIFIER_INCONSISTENT", "NCCI_MODIFIER_CHOICE", "UNFUSED_DECOMPRESSION_UNITS",
    "INDICATION_NOT_DOCUMENTED", "DIAGNOSIS_NOT_SUPPORTING",
}
ERRORS = {"ADDON_WITHOUT_PRIMARY", "UNITS_EXCEED_MUE", "MODIFIER_51_ON_ADDON", "MODIFIER_66_NOT_ALLOWED",
          "ADDON_UNITS_EXCEED_FUSED", "INCOMPATIBLE_PRIMARY_PAIR", "NO_INTERBODY_ARTHRODESIS", "SEGMENT_COUNT_MISMATCH",
          "VAGUE_MULTILEVEL", "TECHNIQUE_NOT_NAMED", "SAME_SESSION_NOT_CONFIRMED", "FUSION_ADDON_WITHOUT_PRIMARY",
          "SAME_INTERSPACE_22612_22630"}


def test_registry_is_the_spec_catalogue():
    assert set(REGISTRY) == SPEC_IDS
    assert {r.id for r in REGISTRY.values() if r.severity == "error"} == ERRORS
    assert all(r.source and r.when for r in REGISTRY.values())


def test_readme_rule_table_is_the_catalogue():
    """README's table lists every rule with the catalogue's own severity, needs, basis and wording."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z0-9_]+)` \| (\w+) \| (\w+) \| (\w+) \| (.+) \|$", readme, re.M)
    assert rows == [(r["id"], r["severity"], r["needs"], r["basis"], r["when"]) for r in catalogue()]


def test_readme_starts_with_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    commands = [l.split("#")[0].strip() for l in first_block.splitlines() if l.strip() and not l.startswith("sh")]
    assert commands == ["make demo", "make test"]
