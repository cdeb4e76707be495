"""Surnames by language, for name generation and name -> language classification.

Source: the ``last_names`` lists of Faker's person providers (Faker is MIT-licensed; the
lists are compiled from public name statistics), one locale per language. Only single-word
alphabetic surnames are kept (no spaces, apostrophes or hyphens), and a surname found in
more than one language is dropped so that every label is unambiguous. Size: 6,000
names in 10 Latin-script languages (197 Czech to 1,152 Italian), 2 to 14 characters long,
92 distinct characters (accented letters included).

Purpose: chapter 03's character model that generates names, and chapter 09's many-to-one
name -> language classifier.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from rnnbook.data.batching import pad_sequences, split_indices
from rnnbook.data.containers import SequenceDataset
from rnnbook.data.vocab import Vocab

LANGUAGES: dict[str, str] = {
    "Croatian": "hr_HR",
    "Czech": "cs_CZ",
    "Dutch": "nl_NL",
    "English": "en_US",
    "Finnish": "fi_FI",
    "French": "fr_FR",
    "German": "de_DE",
    "Italian": "it_IT",
    "Spanish": "es_ES",
    "Swedish": "sv_SE",
}
"""Language name -> Faker locale whose surnames represent it."""


def _faker_surnames(locale: str) -> set[str]:
    try:
        module = importlib.import_module(f"faker.providers.person.{locale}")
    except ModuleNotFoundError as err:
        if err.name != "faker" and importlib.util.find_spec("faker") is not None:
            raise ValueError(f"this Faker has no surname list for locale {locale!r}") from err
        raise ModuleNotFoundError(
            "rnnbook.data.names needs the package Faker: pip install Faker"
        ) from err
    return {n for n in module.Provider.last_names if n.isalpha()}


def surnames_by_language(languages: Sequence[str] | None = None) -> dict[str, list[str]]:
    """Sorted unambiguous surnames for each language (all of :data:`LANGUAGES` if ``None``)."""
    languages = list(LANGUAGES) if languages is None else list(languages)
    unknown = [lang for lang in languages if lang not in LANGUAGES]
    if unknown or not languages:
        raise ValueError(
            f"languages must be a non-empty subset of {list(LANGUAGES)}, got {languages}"
        )
    owners: dict[str, set[str]] = defaultdict(set)
    for lang in LANGUAGES:  # ambiguity is judged over all languages, whatever the subset
        for name in _faker_surnames(LANGUAGES[lang]):
            owners[name].add(lang)
    return {lang: sorted(n for n, langs in owners.items() if langs == {lang}) for lang in languages}


def load_names(
    languages: Sequence[str] | None = None,
    val_frac: float = 0.1,
    test_frac: float = 0.1,
    seed: int = 0,
) -> SequenceDataset:
    """Surnames labelled with their language.

    Returns a :class:`~rnnbook.data.SequenceDataset`: ``tokens`` are the ``N`` names
    (strings), sorted by language then name; ``x`` int64 ``(T, N)`` their character ids
    padded with ``<pad>`` (``T`` = longest name); ``lengths`` ``(N,)``; ``y`` int64 ``(N,)``
    the language index into ``label_names``; ``vocab`` the characters of all names plus the
    specials ``<pad> <unk> <bos> <eos>`` (use ``bos``/``eos`` of ``vocab.encode`` to train a
    generator); ``train``/``val``/``test`` a seeded split (a name occurs once, so the
    splits share no name).
    """
    by_lang = surnames_by_language(languages)
    names = [n for lang in by_lang for n in by_lang[lang]]
    labels = np.array([k for k, lang in enumerate(by_lang) for _ in by_lang[lang]], dtype=np.int64)
    vocab = Vocab.build(names)
    x, lengths = pad_sequences([vocab.encode(n) for n in names], pad_value=vocab.pad_id)
    train, val, test = split_indices(len(names), val_frac, test_frac, seed)
    return SequenceDataset(names, x, lengths, labels, vocab, tuple(by_lang), train, val, test)
