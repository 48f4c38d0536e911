"""spaCy components for someone else's pipeline, registered through the `spacy_factories` entry
point (so `add_pipe` finds them without importing this package first):

    import spacy
    nlp = spacy.blank("en")
    nlp.add_pipe("opnote")                      # the whole per-level extraction
    doc = nlp(note_text)
    [(s.interspace, s.techniques, s.verdict) for s in doc._.opnote.segments]

`opnote` reads doc.text with this package's own pipeline (its tokenizer, sectionizer, matchers
and ConText rules from patterns/, or a site folder: config={"patterns": "site/"}) and sets
doc._.opnote to the Extraction; the host pipeline's own spans and annotations are left as they
are. `opnote_levels` (spinal levels as LEVEL / ROOT spans in doc.spans["opnote"], the parse in
span._.opnote_level) loads the packaged lexicon when given none.
"""


from spacy.language import Language
from spacy.tokens import Doc

if not Doc.has_extension("opnote"):
    Doc.set_extension("opnote", default=None)


class OpnoteExtractor:
    def __init__(self, patterns: str | None = None):
        from .checker import Checker

        self.checker = Checker(patterns)

    def __call__(self, doc: Doc) -> Doc:
        doc._.opnote = self.checker.extract(doc.text)
        return doc


@Language.factory("opnote", default_config={"patterns": None})
def make_opnote(nlp: Language, name: str, patterns: str | None) -> OpnoteExtractor:
    return OpnoteExtractor(patterns)
