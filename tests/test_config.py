"""config.py: settings discovered like ruff's, validated, relative paths, select / ignore / severity."""

import pytest

from opnote_check.config import ConfigError, RuleSelection, Settings, discover


def test_discovered_upwards_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.opnote-check]\npatterns = "site"\nfail-on = "warning"\nignore = ["MICROSCOPE_NOT_PAYABLE"]\n'
        'severity = { LATERALITY_NOT_DOCUMENTED = "error" }\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    config = discover(deep)
    assert config.source == tmp_path / "pyproject.toml" and config.settings.fail_on == "warning"
    assert config.patterns == str((tmp_path / "site").resolve())
    selection = config.selection(ignore=["NCCI_"])
    assert not selection.keeps("MICROSCOPE_NOT_PAYABLE") and not selection.keeps("NCCI_MODIFIER_CHOICE")
    assert selection.keeps("SEGMENT_COUNT_MISMATCH") and selection.severity == {"LATERALITY_NOT_DOCUMENTED": "error"}


def test_own_file_wins_and_a_pyproject_without_the_table_is_passed_over(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.opnote-check]\nfail-on = "never"\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert discover(inner).settings.fail_on == "never"  # the inner pyproject has no table
    (inner / ".opnote-check.toml").write_text('select = ["SEGMENT_"]\n')
    config = discover(inner)
    assert config.source.name == ".opnote-check.toml" and config.selection().select == ("SEGMENT_",)


def test_nothing_found_is_the_defaults(tmp_path):
    config = discover(tmp_path)  # the temporary folder and its parents hold no settings file
    assert config.source is None and config.settings == Settings() and not config.selection()


@pytest.mark.parametrize(
    "text, fragment",
    [('select = ["NOT_A_RULE"]\n', "no rule id or prefix"), ('fail-on = "sometimes"\n', "fail-on"),
     ('colour = "red"\n', "colour"), ("select = [\n", "not a readable TOML file"),
     ('severity = { SEGMENT_COUNT_MISMATCH = "fatal" }\n', "severity")],
)
def test_a_bad_settings_file_is_one_line(tmp_path, text, fragment):
    (tmp_path / ".opnote-check.toml").write_text(text)
    with pytest.raises(ConfigError, match=fragment) as info:
        discover(tmp_path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "selection, rule, kept",
    [(RuleSelection(select=("NCCI_",)), "NCCI_MODIFIER_NEEDED", True), (RuleSelection(select=("NCCI_",)), "SEGMENT_COUNT_MISMATCH", False),
     (RuleSelection(ignore=("SEGMENT_COUNT_MISMATCH",)), "SEGMENT_COUNT_MISMATCH", False),
     # must NOT: an ignore names whole prefixes, not substrings
     (RuleSelection(ignore=("MISMATCH",)), "SEGMENT_COUNT_MISMATCH", True)],
)
def test_selection(selection, rule, kept):
    assert selection.keeps(rule) is kept
