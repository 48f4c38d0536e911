import json
import shutil

import pytest

from opnote_check.patterns import PatternError, load_patterns, packaged_dir


def test_packaged_patterns_load():
    patterns = load_patterns()
    categories = {t.category for t in patterns.targets}
    assert {"TECHNIQUE", "SIDE", "FINDING", "ARTHRODESIS", "DEVICE", "PREP"} <= categories
    assert {c.category for c in patterns.context} >= {"NEGATED_EXISTENCE", "HISTORICAL", "HYPOTHETICAL"}
    assert {s.category for s in patterns.sections} >= {"diagnosis", "indications", "procedure", "description"}
    assert len(patterns.version) == 12


def _site(tmp_path, name, rules_key, rules):
    (tmp_path / name).write_text(json.dumps({rules_key: rules}))
    return tmp_path


@pytest.mark.parametrize(
    "name, key, rules, fragment",
    [
        ("targets.json", "target_rules", [{"id": "site.x", "literal": "x", "category": "TECHNIQUE", "pattern": "x("}], "not a valid regular expression"),
        ("targets.json", "target_rules", [{"id": "site.x", "literal": "x", "category": "TECHNIQUE", "metadata": {"technique": "discectomy"}}], "TECHNIQUE needs metadata.technique"),
        ("targets.json", "target_rules", [{"id": "site.x", "literal": "x", "category": "GADGET"}], "category"),
        ("targets.json", "target_rules", [{"id": "site.x", "literal": "x", "category": "SIDE", "metadata": {"side": "up"}}], "SIDE needs metadata.side"),
        ("context.json", "context_rules", [{"id": "site.x", "literal": "x", "category": "MAYBE", "direction": "FORWARD"}], "category must be one of"),
        ("context.json", "context_rules", [{"id": "site.x", "literal": "x", "category": "HISTORICAL", "direction": "SIDEWAYS"}], "direction"),
        ("sections.json", "section_rules", [{"id": "site.x", "literal": "x", "category": "appendix"}], "category must be one of"),
    ],
)
def test_broken_site_rule_names_file_and_entry(tmp_path, name, key, rules, fragment):
    site = _site(tmp_path, name, key, [{"literal": "ok", "category": "PREP"}] * 0 + rules)
    with pytest.raises(PatternError) as info:
        load_patterns(site)
    message = str(info.value)
    assert str(site / name) in message and f"{key}[0] ('x')" in message and fragment in message
    assert "\n" not in message


def test_broken_json_names_file_and_line(tmp_path):
    (tmp_path / "targets.json").write_text('{"target_rules": [\n  {"literal": "x",}\n]}')
    with pytest.raises(PatternError, match=r"targets.json: not valid JSON \(line 2"):
        load_patterns(tmp_path)


def test_missing_site_folder(tmp_path):
    with pytest.raises(PatternError, match="patterns folder not found"):
        load_patterns(tmp_path / "nope")


def test_site_rules_are_added_and_change_the_version(tmp_path, pipeline):
    site = _site(tmp_path, "targets.json", "target_rules", [
        {"id": "site.technique.laminoforaminotomy", "literal": "laminoforaminotomy", "category": "TECHNIQUE", "pattern": r"\blaminoforaminotom(?:y|ies)\b",
         "metadata": {"technique": "foraminotomy"}},
    ])
    base = load_patterns()
    layered = load_patterns(site)
    assert len(layered.targets) == len(base.targets) + 1
    assert layered.version != base.version


def test_every_packaged_file_is_read(tmp_path):
    copy = tmp_path / "patterns"
    shutil.copytree(packaged_dir(), copy)
    assert {p.name for p in copy.iterdir()} >= {"targets.json", "context.json", "sections.json", "levels.json", "reference"}


@pytest.mark.parametrize(
    "rule, fragment",
    [
        ({"literal": "x", "category": "PREP"}, "id: Field required"),
        ({"id": "Has Spaces", "literal": "x", "category": "PREP"}, "id: String should match pattern"),
        ({"id": "nodot", "literal": "x", "category": "PREP"}, "id: String should match pattern"),
    ],
)
def test_rule_ids_are_required_and_well_formed(tmp_path, rule, fragment):
    site = _site(tmp_path, "targets.json", "target_rules", [rule])
    with pytest.raises(PatternError, match=fragment):
        load_patterns(site)


def test_a_site_rule_may_not_reuse_a_packaged_id(tmp_path):
    site = _site(tmp_path, "targets.json", "target_rules", [
        {"id": "technique.laminectomy", "literal": "x", "category": "TECHNIQUE", "metadata": {"technique": "laminectomy"}},
    ])
    with pytest.raises(PatternError, match="rule id 'technique.laminectomy' is used twice"):
        load_patterns(site)


def test_packaged_rule_ids_are_unique_in_every_file():
    patterns = load_patterns()
    for rules in (patterns.targets, patterns.context, patterns.sections):
        ids = [r.id for r in rules]
        assert len(ids) == len(set(ids))


def test_binding_words_are_data_and_validated(tmp_path):
    lexicon = json.loads((packaged_dir() / "levels.json").read_text(encoding="utf-8"))
    assert "at" in lexicon["binding_words"]["object_of"]  # the levels stage's word lists live in patterns/
    del lexicon["binding_words"]["object_of"]
    (tmp_path / "levels.json").write_text(json.dumps(lexicon), encoding="utf-8")
    with pytest.raises(PatternError, match=r"levels.json: binding_words.object_of: Field required"):
        load_patterns(tmp_path)
