import pytest

from opnote_check.extract import extract_text
from opnote_check.pipeline import get_pipeline
from opnote_check.reference import get_reference


@pytest.fixture(scope="session")
def pipeline():
    return get_pipeline()


@pytest.fixture(scope="session")
def reference():
    return get_reference()


@pytest.fixture(scope="session")
def extract(pipeline):
    return lambda text: extract_text(text, pipeline)
