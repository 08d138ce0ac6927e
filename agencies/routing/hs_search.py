"""HS code search from a goods description, ranked, over the HS nomenclature texts and over
the descriptions of goods items already cleared.

The HS texts (``datamodel/data/hs2022.csv``: headings and 6-digit subheadings, HS 2022)
are ranked in process by the share of the query's words they hold (a word matches a
text word it starts, so "roast" finds "roasted"). Cleared declarations are ranked in the
database: on PostgreSQL by full-text rank plus trigram similarity (``pg_trgm``, so a typing
slip still finds), on SQLite by the number of query words the description contains.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramSimilarity
from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from datamodel.codelists import CODELISTS_DIR
from declarations.models import ClearanceStatus, GoodsItem

HS_CSV = CODELISTS_DIR.parent / "hs2022.csv"
WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
STOP_WORDS = frozenset({"and", "or", "of", "the", "for", "not", "in", "with", "other", "than"})
CLEARED = (ClearanceStatus.CLEARED, ClearanceStatus.CLEARED_WITH_CONDITIONS)
LIMIT = 10


@dataclass(frozen=True, slots=True)
class HsHit:
    """One suggestion: ``hs_code`` (digits), ``description`` (the HS text), ``score``
    (0-1, higher is better), ``cleared`` (goods items cleared under this code whose
    description matched)."""

    hs_code: str
    description: str
    score: float
    cleared: int = 0


def _words(text: str) -> list[str]:
    return [w for w in (m.lower() for m in WORD.findall(text)) if w not in STOP_WORDS]


def _affirmed_words(text: str) -> list[str]:
    """The words of an HS text less those it negates ("Coffee; not roasted" is no roasted
    coffee): a word right after "not" or "non" is left out."""
    words, negated = [], False
    for word in (m.lower() for m in WORD.findall(text)):
        if word in ("not", "non"):
            negated = True
            continue
        if not negated and word not in STOP_WORDS:
            words.append(word)
        negated = False
    return words


def _stem(word: str) -> str:
    # Plural and simple verb endings only: "coffees" -> "coffee", "roasted" -> "roast".
    for ending in ("ies", "es", "ed", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@cache
def hs_texts() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(code, description, stemmed words) of every HS 2022 heading and subheading."""
    with HS_CSV.open(newline="", encoding="utf-8") as f:
        return tuple(
            (
                row["hscode"],
                row["description"],
                frozenset(_stem(w) for w in _affirmed_words(row["description"])),
            )
            for row in csv.DictReader(f)
            if row["level"] in ("4", "6") and row["hscode"].isdigit()
        )


def hs_descriptions() -> dict[str, str]:
    return {code: text for code, text, _words_ in hs_texts()}


def _nomenclature_hits(query_words: list[str]) -> dict[str, float]:
    stems = [_stem(w) for w in query_words]
    scores: dict[str, float] = {}
    for code, _text, words in hs_texts():
        found = sum(any(w.startswith(s) for w in words) for s in stems)
        if found:
            # At equal words, the text with fewer other words (the closer description)
            # first, and subheadings before headings: they are what a declaration needs.
            closeness = found / max(len(words), 1)
            scores[code] = found / len(stems) + 0.1 * closeness - (0.01 if len(code) == 4 else 0)
    return scores


def _cleared_items(query: str, query_words: list[str]) -> QuerySet:
    items = GoodsItem.objects.filter(declaration__status__in=CLEARED).exclude(hs_code="")
    if connection.vendor == "postgresql":
        search = SearchQuery(query, search_type="websearch", config="english")
        vector = SearchVector("description", config="english")
        return (
            items.annotate(
                rank=SearchRank(vector, search), similarity=TrigramSimilarity("description", query)
            )
            .filter(Q(rank__gt=0) | Q(similarity__gt=0.3))
            .values("hs_code")
            .annotate(score=F("rank") + F("similarity"), hits=Count("pk"))
        )
    words = Q()
    for word in query_words:
        words |= Q(description__icontains=word)
    return items.filter(words).values("hs_code").annotate(hits=Count("pk"))


def hs_search(query: str, limit: int = LIMIT) -> list[HsHit]:
    """HS subheadings for a goods description, best first, at most ``limit``. An HS code's
    score is its nomenclature text's share of the query words, plus up to 0.5 for the cleared
    goods items described alike under it (so codes customs accepted for such goods rise)."""
    query_words = _words(query)[:12]
    if not query_words:
        return []
    scores = _nomenclature_hits(query_words)
    cleared: dict[str, int] = {}
    rows = list(_cleared_items(query, query_words)[:200])
    most = max((row["hits"] for row in rows), default=0)
    for row in rows:
        code = row["hs_code"][:6]
        cleared[code] = cleared.get(code, 0) + row["hits"]
        scores[code] = scores.get(code, 0) + 0.5 * row["hits"] / most
    texts = hs_descriptions()
    ranked = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
    return [
        HsHit(code, texts.get(code, ""), round(min(score, 1.5) / 1.5, 3), cleared.get(code, 0))
        for code, score in ranked
    ]
