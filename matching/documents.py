"""Index mappings and analyzers.

Every free text is indexed twice, analysed for French (the main field) and for English (the `.en`
sub-field), because either side may write in either language.
"""
import hashlib

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
    connections,
    token_filter,
)

french_elision = token_filter(
    "french_elision",
    type="elision",
    articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
)
french_stop = token_filter("french_stop", type="stop", stopwords="_french_")
french_stemmer = token_filter("french_stemmer", type="stemmer", language="light_french")
english_stop = token_filter("english_stop", type="stop", stopwords="_english_")
english_possessive = token_filter("english_possessive", type="stemmer", language="possessive_english")
english_stemmer = token_filter("english_stemmer", type="stemmer", language="light_english")

french_text = analyzer(
    "french_text",
    tokenizer="standard",
    filter=[french_elision, "lowercase", french_stop, "asciifolding", french_stemmer],
)
english_text = analyzer(
    "english_text",
    tokenizer="standard",
    filter=[english_possessive, "lowercase", "asciifolding", english_stop, english_stemmer],
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
    return f"{settings.SEARCH_INDEX_PREFIX}-{kind}"


def stable_tiebreak(key: str) -> int:
    """A stable pseudo-random rank for equal scores: never by id or age, so early sign-up buys nothing."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")


INDEX_SETTINGS = {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "1s"}


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
    tiebreak = Long()

    class Index:
        settings = INDEX_SETTINGS

    @classmethod
    def kind(cls) -> str:
        return "vendors"


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
    max_employees = Integer()
    on_site = Boolean()
    status = Keyword()
    tiebreak = Long()

    class Index:
        settings = INDEX_SETTINGS

    @classmethod
    def kind(cls) -> str:
        return "challenges"


DOCUMENTS: dict[str, type[Document]] = {"vendor": VendorDocument, "challenge": ChallengeDocument}


def search_connect() -> None:
    connections.create_connection(
        alias="default",
        hosts=[settings.SEARCH_URL],
        timeout=settings.SEARCH_TIMEOUT,
        retry_on_timeout=False,
        max_retries=1,
    )
