"""Index mappings and analyzers, and the aliases searches go through.

Every free text is indexed twice, analysed for French (the main field) and for English (the `.en`
sub-field), because either side may write in either language.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Integer,
    Keyword,
    Long,
    ScaledFloat,
    Text,
    analyzer,
    token_filter,
)

from matching.search.kinds import SearchKind

french_elision = token_filter(
    "french_elision",
    type="elision",
    articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
)
# Either language may appear in either field, and synonyms bring the other language's words in,
# so both chains drop both languages' stop words. They are removed after the synonyms: removing them earlier leaves position gaps that
# multi-word rules such as "chaîne de blocs" never match. They therefore meet folded, stemmed
# tokens, so the list holds those forms too (computed with this chain; real words such as
# "fusion" and "avion" left out).
FRENCH_STEMMED_STOPWORDS = [
    "aurion",
    "auron",
    "avai",
    "avon",
    "ayon",
    "dan",
    "etai",
    "etion",
    "eume",
    "euse",
    "eusent",
    "eusiez",
    "eusion",
    "eute",
    "fume",
    "fuse",
    "fusent",
    "fusiez",
    "fute",
    "mai",
    "notr",
    "nou",
    "serion",
    "seron",
    "soi",
    "some",
    "soyon",
    "sui",
    "votr",
    "vou",
    "a",
    "ete",
    "etee",
    "etees",
    "etes",
    "etant",
    "etante",
    "etants",
    "etantes",
    "etais",
    "etait",
    "etions",
    "etiez",
    "etaient",
    "fumes",
    "futes",
    "fut",
    "eumes",
    "eutes",
    "eut",
    "meme",
]
french_stop = token_filter("french_stop", type="stop", stopwords="_french_")
french_stemmed_stop = token_filter("french_stemmed_stop", type="stop", stopwords=FRENCH_STEMMED_STOPWORDS)
french_stemmer = token_filter("french_stemmer", type="stemmer", language="light_french")
english_stop = token_filter("english_stop", type="stop", stopwords="_english_")
english_possessive = token_filter("english_possessive", type="stemmer", language="possessive_english")
english_stemmer = token_filter("english_stemmer", type="stemmer", language="light_english")

SYNONYMS_FILE = Path(__file__).resolve().parent / "synonyms" / "fr_en.txt"


def curated_synonyms() -> list[str]:
    lines = SYNONYMS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


# After stemming, so that its rules are analysed (folded, stemmed) exactly like the text and every
# inflection matches. Lenient: a rule that analyses to nothing in one language is skipped.
bilingual_synonyms = token_filter(
    "bilingual_synonyms", type="synonym", lenient=True, synonyms=curated_synonyms()
)

french_text = analyzer(
    "french_text",
    tokenizer="standard",
    filter=[
        french_elision,
        "lowercase",
        "asciifolding",
        french_stemmer,
        bilingual_synonyms,
        french_stop,
        french_stemmed_stop,
        english_stop,
    ],
)
english_text = analyzer(
    "english_text",
    tokenizer="standard",
    filter=[
        french_elision,
        english_possessive,
        "lowercase",
        "asciifolding",
        english_stemmer,
        bilingual_synonyms,
        english_stop,
        french_stop,
        french_stemmed_stop,
    ],
)
folded_keyword = analyzer("folded_keyword", tokenizer="keyword", filter=["lowercase", "asciifolding"])


def BilingualText(*, keyword: bool = False) -> Text:
    """French-analysed text with an English sub-field (and an exact `raw` one for sorting names)."""
    fields = {"en": Text(analyzer=english_text)}
    if keyword:
        fields["raw"] = Keyword()
    return Text(analyzer=french_text, fields=fields)


def index_alias(kind: str) -> str:
    """The alias searches go through; the concrete, versioned index behind it changes on reindex."""
    return f"{settings.SEARCH_INDEX_PREFIX}-{SearchKind(kind).index_name}"


def stable_tiebreak(key: str) -> int:
    """A stable pseudo-random rank for equal scores: never by id or age, so early sign-up buys nothing."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")


INDEX_SETTINGS = {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "1s"}
# The engine's index.max_result_window: it refuses to page deeper than this.
MAX_RESULT_WINDOW = 10_000
# A challenge's ranking may score tens of thousands of vendors, on one core. Searched as two slices of
# the index's segments (OpenSearch's concurrent segment search), it uses a second one. The count is
# explicit because the default slicing puts up to 250,000 documents in one slice, which is no
# concurrency at this size (docs/benchmarks.md). The challenges index is small enough for one slice.
VENDOR_INDEX_SETTINGS = {
    **INDEX_SETTINGS,
    "search.concurrent_segment_search.mode": "all",
    "search.concurrent.max_slice_count": 2,
}


class VendorDocument(Document):
    key = Keyword()
    name = BilingualText(keyword=True)
    description = BilingualText()
    references = BilingualText()
    expertise = Keyword()
    expertise_labels = BilingualText()
    regions = Keyword()
    languages = Keyword()
    certifications = Keyword(fields={"text": Text(analyzer=folded_keyword)})
    employees = Integer()
    founded = Integer()
    is_active = Boolean()
    is_verified = Boolean()
    # The sections the firm shows everyone (ProfileSection values), and a copy of each hideable text
    # while it is public: a person's search, its filters, facets and highlights read a hidden section
    # only for viewers who may see it (matching.search.people).
    public_profile = Keyword()
    public_description = BilingualText()
    public_references = BilingualText()
    public_certifications = Keyword(fields={"text": Text(analyzer=folded_keyword)})
    tiebreak = Long()

    class Index:
        settings = VENDOR_INDEX_SETTINGS

    @classmethod
    def kind(cls) -> SearchKind:
        return SearchKind.VENDOR


class ChallengeDocument(Document):
    key = Keyword()
    title = BilingualText()
    description = BilingualText()
    language = Keyword()
    organization_id = Long()
    organization_name = BilingualText(keyword=True)
    organization_kind = Keyword()
    expertise = Keyword()
    expertise_labels = BilingualText()
    regions = Keyword()
    budget_min = ScaledFloat(scaling_factor=100)
    budget_max = ScaledFloat(scaling_factor=100)
    deadline = Date()
    published_at = Date()
    required_languages = Keyword()
    required_certifications = Keyword()
    # Counts let the engine test "every requirement is offered" (terms_set) without a script.
    required_languages_count = Integer()
    required_certifications_count = Integer()
    max_employees = Integer()
    # The requirements that are filters (marketplace.models.Requirement); the others are preferences.
    mandatory_requirements = Keyword()
    on_site = Boolean()
    status = Keyword()
    tiebreak = Long()

    class Index:
        settings = INDEX_SETTINGS

    @classmethod
    def kind(cls) -> SearchKind:
        return SearchKind.CHALLENGE


def index_body(document: type[Document], *, extra_synonyms: list[str]) -> dict:
    """Settings and mappings for a new index, with synonym groups known only at build time (taxonomy)."""
    body = document._index.to_dict()
    body["settings"]["analysis"]["filter"]["bilingual_synonyms"]["synonyms"] = (
        curated_synonyms() + extra_synonyms
    )
    return body


DOCUMENTS: dict[str, type[Document]] = {
    SearchKind.VENDOR: VendorDocument,
    SearchKind.CHALLENGE: ChallengeDocument,
}
