import json
from datetime import date

import pytest

from opnote_check.pipeline import get_pipeline
from opnote_check.reference import get_reference


@pytest.fixture(scope="session")
def pipeline():
    return get_pipeline()


# a date of service inside the packaged fee schedule (PFS 2026); the packaged NCCI quarter (2024Q3)
# is older, so checks on it carry REFERENCE_DATE_NOT_COVERED unless a site adds a newer quarter
DOS = date(2026, 11, 2)


@pytest.fixture(scope="session")
def library():
    """Every packaged reference table (what build_report takes)."""
    return get_reference()


@pytest.fixture(scope="session")
def reference(library):
    """The tables in force on DOS (what a rule reads)."""
    return library.on(DOS)


@pytest.fixture(scope="session")
def site_patterns(tmp_path_factory):
    """A site's --patterns folder that adds an NCCI quarter covering DOS (a copy of the packaged
    edits relabelled), as a site drops in a newer table without code changes."""
    from opnote_check.patterns import packaged_dir

    folder = tmp_path_factory.mktemp("site") / "reference"
    folder.mkdir()
    table = json.loads((packaged_dir() / "reference" / "ncci-2024q3.json").read_text())
    table.update(release="NCCI 2026Q4 (test copy)", effective_from="2026-10-01", effective_to="2026-12-31")
    (folder / "ncci-2026q4.json").write_text(json.dumps(table))
    return folder.parent


@pytest.fixture(scope="session")
def current_library(site_patterns):
    """Packaged tables plus the site's 2026Q4 NCCI copy: a claim dated DOS is fully covered."""
    return get_reference(str(site_patterns))


@pytest.fixture(scope="session")
def checker():
    """The package's facade, as the CLI, the server and batch use it."""
    from opnote_check import Checker

    return Checker()


@pytest.fixture(scope="session")
def extract(checker):
    return checker.extract


@pytest.fixture(scope="session")
def current_reference(current_library):
    return current_library.on(DOS)


@pytest.fixture(scope="session")
def report_of(checker):
    """Note text (and optionally a claim) -> the report, as `check` builds it."""
    return lambda text, claim=None: checker.check(text, claim)
