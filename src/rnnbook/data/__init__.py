"""Vocabularies, batching and every dataset the book uses, offline and seeded.

Nothing is downloaded: each dataset is generated from a seed or read from data that an
installed package ships (see each module's docstring for source, size and license).
Sequence batches are time-major, ``(T, N)`` ids or ``(T, N, D)`` vectors.

Modules:

- ``vocab``: :class:`Vocab`, :func:`tokenize`; ``batching``: padding, BPTT streams, splits
- ``toy``: "hello" with vocabulary [h, e, l, o]; the Harry Potter sentence
- ``text``: Python's standard-library source, a character corpus
- ``names``: surnames by language (Faker)
- ``translation``: French -> English numbers (num2words) and dates (babel)
- ``timeseries``: sunspots and CO2 (statsmodels), a geometric random walk
- ``music``: Bach chorale soprano melodies (music21, cached)
- ``synthetic``: adding problem, copy task, DNA motifs and genes, sentiment, named entities
"""

from rnnbook.data.batching import (
    batchify,
    bptt_chunks,
    pad_sequences,
    split_contiguous,
    split_indices,
)
from rnnbook.data.containers import IGNORE_INDEX, SequenceDataset
from rnnbook.data.music import Melodies, load_bach_chorales
from rnnbook.data.names import LANGUAGES, load_names, surnames_by_language
from rnnbook.data.synthetic import (
    ADDING_BASELINE_MSE,
    AMBIGUOUS_NAMES,
    GAP_PAIRS,
    LECTURE_SENTIMENT,
    NER_TAGS,
    adding_problem,
    ambiguous_name_sentences,
    copy_task,
    copy_task_baseline,
    digit_pair_sums,
    dna_genes,
    dna_motifs,
    gene_mask,
    long_gap_sentences,
    ner_sentences,
    sentiment_construction,
    sentiment_sentences,
)
from rnnbook.data.text import CharCorpus, char_corpus, load_python_source
from rnnbook.data.timeseries import geometric_random_walk, load_co2, load_sunspots, make_windows
from rnnbook.data.toy import HARRY_POTTER, HELLO, HELLO_VOCAB, hello_example
from rnnbook.data.translation import (
    TranslationPairs,
    date_pairs,
    detokenize,
    encode_pairs,
    load_translation,
    number_pairs,
    tokenize_translation,
)
from rnnbook.data.vocab import BOS, EOS, PAD, SPECIALS, UNK, Vocab, tokenize

__all__ = [
    "ADDING_BASELINE_MSE",
    "AMBIGUOUS_NAMES",
    "BOS",
    "EOS",
    "HARRY_POTTER",
    "HELLO",
    "HELLO_VOCAB",
    "LECTURE_SENTIMENT",
    "IGNORE_INDEX",
    "GAP_PAIRS",
    "LANGUAGES",
    "NER_TAGS",
    "PAD",
    "SPECIALS",
    "UNK",
    "CharCorpus",
    "Melodies",
    "SequenceDataset",
    "TranslationPairs",
    "Vocab",
    "adding_problem",
    "batchify",
    "bptt_chunks",
    "char_corpus",
    "copy_task",
    "copy_task_baseline",
    "ambiguous_name_sentences",
    "date_pairs",
    "detokenize",
    "digit_pair_sums",
    "dna_genes",
    "dna_motifs",
    "encode_pairs",
    "gene_mask",
    "geometric_random_walk",
    "hello_example",
    "load_bach_chorales",
    "load_co2",
    "load_names",
    "load_python_source",
    "load_sunspots",
    "load_translation",
    "long_gap_sentences",
    "make_windows",
    "ner_sentences",
    "number_pairs",
    "pad_sequences",
    "sentiment_construction",
    "sentiment_sentences",
    "split_contiguous",
    "split_indices",
    "surnames_by_language",
    "tokenize",
    "tokenize_translation",
]
