"""``lightninghire.phrasing``: clean edges of fragments and sentences."""

from __future__ import annotations

from lightninghire.phrasing import as_sentence, fragment, is_clause, second_person, squash


def test_edges_of_fragments_and_sentences():
    assert fragment("  The system design tips. ") == "the system design tips"
    assert fragment("Acme launched a product") == "Acme launched a product"  # a name stays
    assert as_sentence("i read your post") == "I read your post."
    assert as_sentence("great talk!!") == "Great talk!!"
    assert as_sentence("ship it,,") == "Ship it."
    assert as_sentence("he said \u201chi.\u201d") == "He said \u201chi.\u201d"
    assert squash("a ,b  c..d") == "a,b c.d"
    assert is_clause("you helped me") and not is_clause("your help")
    assert second_person("We run our API for us") == "You run your API for you"
