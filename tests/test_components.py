"""components.py: the spaCy factories, found through the spacy_factories entry point."""

import json
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "notes" / "demo-tlif.txt"

EXAMPLE = """
import json, sys, spacy
nlp = spacy.blank("en")          # no import of opnote_check: spaCy finds the factories by entry point
nlp.add_pipe("opnote")
doc = nlp(open(sys.argv[1], encoding="utf-8").read())
levels = spacy.blank("en")
levels.add_pipe("opnote_levels")  # no config: the packaged lexicon
levels_doc = levels("A left L4-5 laminotomy freed the L5 root.")
spans = levels_doc.spans["opnote"]
print(json.dumps({"segments": [(s.interspace, s.verdict) for s in doc._.opnote.segments],
                  "levels": [(s.text, s.label_, list(s._.opnote_level.interspaces)) for s in spans]}))
"""


def test_the_documented_example_runs_in_a_fresh_process():
    out = subprocess.run([sys.executable, "-c", EXAMPLE, str(DEMO)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["segments"] == [["L4-L5", "documented"], ["L5-S1", "needs_query"]]
    assert result["levels"] == [["L4-5", "LEVEL", ["L4-L5"]], ["L5", "ROOT", []]]


def test_the_component_leaves_the_host_pipeline_alone():
    import spacy

    import opnote_check.components  # noqa: F401  (registers the factory in this process)

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("opnote")
    doc = nlp("TLIF L4-5. A left L4-5 laminotomy for a compressed L5 root.")
    assert [s.interspace for s in doc._.opnote.segments] == ["L4-L5"]
    assert len(list(doc.sents)) == 2 and "opnote" not in doc.spans
