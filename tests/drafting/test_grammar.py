"""The per-fact GBNF grammar: the fact's own words and numbers, plain synonyms, function words."""

from __future__ import annotations

import pytest

from handouts.drafting import grammar

FACT = "Apply adapalene 0.1% gel to the whole face once nightly; erythema is common in the first weeks."


def test_vocabulary_has_the_facts_words_numbers_and_plain_synonyms():
    vocab = grammar.vocabulary(FACT)
    for w in ("apply", "adapalene", "0.1%", "gel", "whole", "face", "nightly", "erythema", "weeks"):
        assert w in vocab, w
    assert "redness" in vocab  # the lexicon's plain word for erythema
    assert {"the", "and", "not", "put", "use"} <= set(vocab)
    assert "clindamycin" not in vocab and "itching" not in vocab and "20%" not in vocab


def test_glossary_explanations_are_allowed():
    vocab = grammar.vocabulary("Comedones are common.", {"comedones": "blocked pores"})
    assert {"blocked", "pores"} <= set(vocab)


def test_grammar_text_is_deterministic_and_well_formed():
    g = grammar.build(FACT)
    assert g == grammar.build(FACT)
    assert g.startswith('root ::= sentence (" " sentence){0,2}\n')
    assert '"Adapalene"' in g and '"0.1%"' in g and '"itching"' not in g


def test_grammar_parses_in_llama_cpp():
    llama_cpp = pytest.importorskip("llama_cpp")
    assert llama_cpp.LlamaGrammar.from_string(grammar.build(FACT), verbose=False) is not None


@pytest.mark.model
def test_constrained_generation_uses_only_allowed_words():
    from handouts.drafting.models import LlamaCppModel, Params, bundled_model_path
    from handouts.drafting.prompts import rewrite_messages

    model = LlamaCppModel(bundled_model_path(), n_ctx=2048, threads=1)
    try:
        gen = model.generate_constrained(rewrite_messages(FACT), Params(temperature=0.0, max_tokens=60),
                                         grammar.build(FACT))
    finally:
        model.close()
    assert gen.text.strip()
    assert grammar.allows(grammar.vocabulary(FACT), gen.text), gen.text


def test_a_backend_that_cannot_constrain_says_so_with_none():
    from handouts.drafting.models import Params
    from tests.doubles import ScriptedModel

    assert ScriptedModel(["x"]).generate_constrained([{"role": "user", "content": "x"}], Params(), "root ::= \"a\"") is None
