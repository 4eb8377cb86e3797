"""``lightninghire.text``: the text tools plugins share (sentences, tokens, the Snowball stemmer,
key phrases, BM25), with no domain in them."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from lightninghire import text
from lightninghire.text import (
    Bm25Index,
    bm25_relative,
    bm25_scores,
    content_words,
    key_phrases,
    sentences,
    shorten,
    stem,
    terms,
    words,
)

CORE = Path(__file__).resolve().parents[2] / "core"


def test_sentences_survive_abbreviations_initials_and_bullets():
    found = sentences("We met Dr. Smith at 9 a.m. Then we left.\n- first point\n2) second point")
    # "a.m." before a capital is read as an abbreviation, like "Dr." (the cheaper mistake).
    assert found == ["We met Dr. Smith at 9 a.m. Then we left.", "first point", "second point"]
    assert sentences("E.g. Python is fine. J. Smith agreed.") == [
        "E.g. Python is fine.", "J. Smith agreed."]


def test_words_keep_symbols_and_percentages_whole():
    assert words("C++, C# and Node.js grew 40% in 2024.") == [
        "c++", "c#", "and", "node.js", "grew", "40%", "in", "2024"]
    assert content_words("The 3 of us used a new approach") == ["new", "approach"]


@pytest.mark.parametrize(("forms", "expected"), [
    (("scaling", "scaled", "scales", "scale"), "scale"),
    (("planned", "planning", "plans"), "plan"),
    (("companies", "company"), "compani"),
    (("generously", "generous"), "generous"),
    (("time", "times"), "time"),
])
def test_the_snowball_stemmer_groups_inflections(forms, expected):
    assert {stem(form) for form in forms} == {expected}


def test_the_stemmer_is_safe_across_threads():
    # A Snowball stemmer object keeps state while it works: one per thread.
    vocabulary = [f"{base}{suffix}" for base in ("connect", "design", "market", "process")
                  for suffix in ("", "s", "ed", "ing", "ion", "ions")]
    expected = {word: stem(word) for word in vocabulary}
    stem.cache_clear()
    errors: list[str] = []

    def work() -> None:
        for _ in range(50):
            for word in vocabulary:
                if stem.__wrapped__(word) != expected[word]:
                    errors.append(word)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_shorten_cuts_at_a_word_with_an_ellipsis():
    assert shorten("one two three four", 12) == "one two\u2026"
    assert shorten("  short   text ", 40) == "short text"


def test_key_phrases_prefer_recurring_named_runs():
    notes = ("The payment integration is late. Priya will finish the payment integration by "
             "March 28. QA needs a week on the payment flow.")
    found = key_phrases(notes, 3)
    assert found[0] == "payment integration" and len(found) == 3


def test_bm25_ranks_the_document_that_matches_the_rarer_terms_first():
    documents = [terms("The garden needs water and sun."),
                 terms("A quarterly report on garden furniture sales."),
                 terms("Water the garden early: water daily."),
                 []]
    scores = bm25_scores(terms("water the garden"), documents)
    assert len(scores) == 4 and scores[3] == 0.0
    assert scores[2] > scores[0] > scores[1] > 0
    assert bm25_scores(terms("astronomy"), documents) == [0.0] * 4
    assert bm25_scores([], documents) == [0.0] * 4 and bm25_scores(["x"], []) == []
    index = Bm25Index(documents)
    assert index.scores(terms("water the garden")) == scores  # build once, query many times


def test_bm25_relative_is_one_for_a_document_that_is_the_query():
    query = terms("water the garden early")
    assert bm25_relative(query, query) == pytest.approx(1.0)
    assert 0 < bm25_relative(query, terms("garden furniture")) < 0.5
    assert bm25_relative(query, []) == 0.0


def test_the_module_names_no_product_domain():
    source = Path(text.__file__).read_text(encoding="utf-8").lower()
    for word in ("resume", "interview", "skill", "candidate", "recruit", "hiring", "billing",
                 "credit", "tier"):
        assert word not in source, word
