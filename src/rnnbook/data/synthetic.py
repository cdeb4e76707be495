"""Synthetic tasks generated from a seed, each probing one ability of a sequence model.

All generators use ``numpy.random.default_rng(seed)`` and nothing else that varies between
processes, so the same arguments give the same arrays everywhere. The text is invented by
this module (no license restriction); the surnames in :func:`ner_sentences` come from Faker
(MIT).

- :func:`adding_problem` - long-range memory of two marked values (chapter 06).
- :func:`copy_task` - storing a sequence verbatim across a long delay.
- :func:`dna_motifs` - detecting a planted motif anywhere in a sequence (many-to-one or
  per-position).
- :func:`sentiment_sentences` - negation and contrast, where a bag of words fails.
- :func:`ner_sentences` - entity tags that only the right context decides (bidirectional).
- :func:`ambiguous_name_sentences` - a name that is a person in one sentence and a place or
  an organisation in another, decided by the words after it (chapter 08).
- :func:`digit_pair_sums` - the sum of the last two digits at every step, a per-step
  computation for comparing stacked layers (chapter 08).
- :func:`long_gap_sentences` - "I grew up in India ... I speak fluent Hindi": a long-term
  dependency whose length is a knob (chapter 05).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rnnbook.data.batching import pad_sequences, split_indices
from rnnbook.data.containers import IGNORE_INDEX, SequenceDataset
from rnnbook.data.vocab import Vocab

ADDING_BASELINE_MSE = 1.0 / 6.0
"""MSE of always predicting 1, the mean target of :func:`adding_problem`: Var(u1 + u2) = 2/12."""


def adding_problem(n: int, T: int = 100, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The adding problem of Hochreiter & Schmidhuber (1997) in its two-channel marker form.

    Each of the ``n`` sequences has ``T`` steps of two features: a value drawn uniformly
    from [0, 1] and a marker that is 1 at exactly two steps (one in the first half
    ``[0, T//2)``, one in the second half ``[T//2, T)``) and 0 elsewhere. The target is the
    sum of the two marked values, in [0, 2] with mean 1; predicting 1 always scores
    :data:`ADDING_BASELINE_MSE` = 1/6, the bar a model must beat. (This is the form used by
    Le et al. 2015 and later work; H&S's original draws values from [-1, 1].)

    Returns ``x`` float32 ``(T, n, 2)`` and ``y`` float32 ``(n,)``.
    """
    if n < 1 or T < 2:
        raise ValueError(f"need n >= 1 and T >= 2, got n={n}, T={T}")
    rng = np.random.default_rng(seed)
    values = rng.random((T, n))
    first = rng.integers(0, T // 2, size=n)
    second = rng.integers(T // 2, T, size=n)
    markers = np.zeros((T, n))
    cols = np.arange(n)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    y = values[first, cols] + values[second, cols]
    return np.stack([values, markers], axis=-1).astype(np.float32), y.astype(np.float32)


def copy_task(
    n: int, n_symbols: int = 8, n_copy: int = 10, delay: int = 50, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The copy (memory) task: read ``n_copy`` symbols, wait ``delay`` steps, write them back.

    Tokens: 0 is blank, ``1 .. n_symbols`` are symbols, ``n_symbols + 1`` is the "go"
    delimiter (vocabulary size ``n_symbols + 2``). The input is the symbols, ``delay - 1``
    blanks, the delimiter and ``n_copy`` blanks; the target is blank for the first
    ``delay + n_copy`` steps and then the symbols. A model that outputs blanks and then
    guesses uniformly has cross-entropy :func:`copy_task_baseline` per step.

    Returns ``x`` and ``y``, int64 ``(delay + 2 * n_copy, n)``.
    """
    if n < 1 or n_symbols < 2 or n_copy < 1 or delay < 1:
        raise ValueError(
            f"need n >= 1, n_symbols >= 2, n_copy >= 1, delay >= 1; "
            f"got {n}, {n_symbols}, {n_copy}, {delay}"
        )
    symbols = np.random.default_rng(seed).integers(1, n_symbols + 1, size=(n_copy, n))
    length = delay + 2 * n_copy
    x = np.zeros((length, n), dtype=np.int64)
    y = np.zeros((length, n), dtype=np.int64)
    x[:n_copy] = symbols
    x[n_copy + delay - 1] = n_symbols + 1
    y[-n_copy:] = symbols
    return x, y


def copy_task_baseline(n_symbols: int = 8, n_copy: int = 10, delay: int = 50) -> float:
    """Mean per-step cross-entropy (nats) of the memoryless copy-task strategy."""
    return n_copy * float(np.log(n_symbols)) / (delay + 2 * n_copy)


DNA_ALPHABET = "ACGT"


def _motif_mask(seqs: np.ndarray, motif: np.ndarray) -> np.ndarray:
    """Boolean ``(N, L)``: positions covered by an occurrence of ``motif`` in ``seqs (N, L)``."""
    n, length = seqs.shape
    k = len(motif)
    windows = np.lib.stride_tricks.sliding_window_view(seqs, k, axis=1)  # (N, L-k+1, k)
    starts = (windows == motif).all(axis=-1)
    mask = np.zeros((n, length), dtype=bool)
    for offset in range(k):
        mask[:, offset : offset + length - k + 1] |= starts
    return mask


def dna_motifs(
    n: int = 2000,
    length: int = 60,
    motif: str = "TATAAT",
    per_position: bool = False,
    val_frac: float = 0.1,
    test_frac: float = 0.1,
    seed: int = 0,
) -> SequenceDataset:
    """Random DNA with a planted motif (default the bacterial promoter box TATAAT).

    Bases are uniform over ACGT. In half the sequences the motif is written at a uniformly
    random position; the other half are redrawn until they contain no occurrence. Labels are
    computed from the final sequences, so they are exact.

    Returns a :class:`~rnnbook.data.SequenceDataset` with ``x`` int64 ``(length, n)`` (ids
    0-3 of A, C, G, T; ``vocab`` has no specials), ``lengths`` all equal to ``length``, and
    ``y`` int64 ``(n,)`` (1 if the motif occurs; ``label_names = ("absent", "present")``) or,
    with ``per_position=True``, ``(length, n)`` (1 on the bases of every occurrence;
    ``label_names = ("background", "motif")``).
    """
    if not motif or set(motif) - set(DNA_ALPHABET) or not len(motif) <= length:
        raise ValueError(
            f"motif must be a non-empty ACGT string of length <= {length}, got {motif!r}"
        )
    if n < 2:
        raise ValueError(f"need n >= 2 sequences, got {n}")
    rng = np.random.default_rng(seed)
    vocab = Vocab(DNA_ALPHABET, specials=())
    m = vocab.encode(motif)
    seqs = rng.integers(0, 4, size=(n, length))
    positive = np.arange(n) < n // 2
    rng.shuffle(positive)
    redraw = ~positive & _motif_mask(seqs, m).any(axis=1)
    while redraw.any():
        seqs[redraw] = rng.integers(0, 4, size=(int(redraw.sum()), length))
        redraw = ~positive & _motif_mask(seqs, m).any(axis=1)
    starts = rng.integers(0, length - len(m) + 1, size=n)
    for i in np.flatnonzero(positive):
        seqs[i, starts[i] : starts[i] + len(m)] = m
    mask = _motif_mask(seqs, m)
    if per_position:
        y, names = mask.T.astype(np.int64), ("background", "motif")
    else:
        y, names = mask.any(axis=1).astype(np.int64), ("absent", "present")
    tokens = ["".join(DNA_ALPHABET[b] for b in s) for s in seqs]
    train, val, test = split_indices(n, val_frac, test_frac, seed)
    lengths = np.full(n, length, dtype=np.int64)
    return SequenceDataset(tokens, seqs.T.copy(), lengths, y, vocab, names, train, val, test)


def gene_mask(sequence: str, start: str = "ATG", stop: str = "TAG") -> np.ndarray:
    """Bool ``(L,)``: the bases of every closed region ``start ... stop`` of ``sequence``.

    Reading left to right, a ``start`` codon opens a region and the first ``stop`` codon that
    begins after it closes it; both codons belong to the region. A region that no ``stop``
    closes is not a gene, so whether a base is marked can depend on bases far to its right.

    >>> "".join("x" if m else "." for m in gene_mask("CCATGCCTAGCCATGCC"))
    '..xxxxxxxx.......'
    """
    mask = np.zeros(len(sequence), dtype=bool)
    begin = sequence.find(start)
    while begin >= 0:
        end = sequence.find(stop, begin + len(start))
        if end < 0:
            break
        mask[begin : end + len(stop)] = True
        begin = sequence.find(start, end + len(stop))
    return mask


def dna_genes(
    n: int = 2000,
    length: int = 60,
    val_frac: float = 0.1,
    test_frac: float = 0.1,
    seed: int = 0,
) -> SequenceDataset:
    """Per-base labelling of DNA: which bases lie in a region from ``ATG`` to the next ``TAG``.

    A toy version of gene finding (a start codon, a stop codon, the stretch between). Bases
    are uniform over ACGT, and each sequence gets one ``ATG`` written at a uniformly random
    position in its first two thirds, so most sequences hold a region that is open; about
    half of those are closed by a ``TAG`` before the end. Labels come from
    :func:`gene_mask` on the final sequence, so they are exact.

    Returns a :class:`~rnnbook.data.SequenceDataset` with ``x`` int64 ``(length, n)`` (ids
    0-3 of A, C, G, T; ``vocab`` has no specials), ``y`` int64 ``(length, n)`` (1 on gene
    bases; ``label_names = ("background", "gene")``) and ``tokens`` the strings.
    """
    if n < 2 or length < 12:
        raise ValueError(f"need n >= 2 sequences of length >= 12, got n={n}, length={length}")
    rng = np.random.default_rng(seed)
    vocab = Vocab(DNA_ALPHABET, specials=())
    seqs = rng.integers(0, 4, size=(n, length))
    starts = rng.integers(0, 2 * length // 3, size=n)
    for i, s in enumerate(starts):
        seqs[i, s : s + 3] = vocab.encode("ATG")
    tokens = ["".join(DNA_ALPHABET[b] for b in s) for s in seqs]
    y = np.stack([gene_mask(t) for t in tokens], axis=1).astype(np.int64)
    train, val, test = split_indices(n, val_frac, test_frac, seed)
    lengths = np.full(n, length, dtype=np.int64)
    return SequenceDataset(tokens, seqs.T.copy(), lengths, y, vocab, ("background", "gene"),
                           train, val, test)  # fmt: skip


# ---------------------------------------------------------------- sentiment
_SUBJECTS = ("the movie", "the film", "the plot", "the acting", "the story", "the ending",
             "the soundtrack", "the cast")  # fmt: skip
_POSITIVE = ("good", "great", "wonderful", "brilliant", "funny", "moving", "excellent",
             "enjoyable")  # fmt: skip
_NEGATIVE = ("bad", "terrible", "boring", "awful", "dull", "weak", "poor", "predictable")
_OBJECTS = ("this movie", "this film", "the story", "the acting")

SENTIMENT_CONSTRUCTIONS = ("plain", "negation", "contrast", "nothing")
LECTURE_SENTIMENT = {"there is nothing to like in this movie": 0, "this movie is great": 1,
                     "i hated this movie": 0}  # fmt: skip
"""The lectures' example sentences and their labels, always part of :func:`sentiment_sentences`."""
"""The sentence kinds of :func:`sentiment_sentences`, in the order they are drawn."""


def _sentiment_sentences(rng: np.random.Generator, kind: str) -> list[tuple[str, int]]:
    """One draw of construction ``kind``: a sentence and its label (contrast: a mirrored pair)."""
    subj, subj2 = (_SUBJECTS[i] for i in rng.choice(len(_SUBJECTS), 2, replace=False))
    pol, pol2 = int(rng.integers(2)), int(rng.integers(2))
    adj = (_NEGATIVE, _POSITIVE)[pol][rng.integers(8)]
    obj = _OBJECTS[rng.integers(len(_OBJECTS))]
    if kind == "plain":  # the lectures' "this movie is great", "I hated this movie"
        verb = (("hated", "disliked"), ("loved", "liked"))[pol][rng.integers(2)]
        adv = ("", "really ", "very ", "quite ")[rng.integers(4)]
        text = (f"{subj} was {adv}{adj}", f"{obj} is {adv}{adj}", f"i {verb} {obj}")[
            rng.integers(3)
        ]
        return [(text, pol)]
    if kind == "negation":
        tail = ("", " at all", " in the least")[rng.integers(3)]
        neg = ("not", "never")[rng.integers(2)]
        return [(f"{subj} was {neg} {adj}{tail}", 1 - pol)]
    if kind == "contrast":  # opposite polarities; the second clause decides
        adj2 = (_NEGATIVE, _POSITIVE)[1 - pol][rng.integers(8)]
        a, b = f"{subj} was {adj}", f"{subj2} was {adj2}"
        pattern = "{} but {}" if pol2 else "although {} , {}"
        return [(pattern.format(a, b), 1 - pol), (pattern.format(b, a), pol)]
    like = ("like", "love", "enjoy", "admire")[rng.integers(4)]
    dislike = ("dislike", "hate", "regret", "complain about")[rng.integers(4)]
    verb = (dislike, like)[pol]
    start = ("there is", "there was", "i found")[rng.integers(3)]
    where = f"{('in', 'about')[rng.integers(2)]} {(*_OBJECTS, *_SUBJECTS)[rng.integers(12)]}"
    if pol2:
        return [(f"{start} nothing to {verb} {where}", 1 - pol)]
    return [(f"{start} so much to {verb} {where}", pol)]


def sentiment_construction(tokens: Sequence[str]) -> str:
    """Which of :data:`SENTIMENT_CONSTRUCTIONS` a sentence of :func:`sentiment_sentences` uses."""
    words = set(tokens)
    if words & {"but", "although"}:
        return "contrast"
    if words & {"not", "never"}:
        return "negation"
    if "nothing" in words or "much" in words:
        return "nothing"
    return "plain"


def sentiment_sentences(
    n: int = 4000, val_frac: float = 0.1, test_frac: float = 0.1, seed: int = 0
) -> SequenceDataset:
    """Short movie-review sentences whose sentiment needs word order to read.

    Four constructions are drawn equally often (:data:`SENTIMENT_CONSTRUCTIONS`; recover a
    sentence's with :func:`sentiment_construction`): plain ("the plot was dull", "this movie
    is great", "i hated this movie"), negation ("the acting was not bad at all" is
    positive), contrast ("the cast was great but the ending was weak" is negative;
    "although ... , ..." too) and "nothing to" ("there is nothing to like in this movie" is
    negative). Each contrast draw adds a mirrored pair with the same words and opposite
    labels ("the ending was weak but the cast was great" is positive), so no bag-of-words
    classifier can be right on more than half of them. The lectures' sentences
    (:data:`LECTURE_SENTIMENT`) are always included. Sentences are lower case, tokens
    split on spaces, and
    deduplicated (``n`` draws give fewer distinct sentences).

    Returns a :class:`~rnnbook.data.SequenceDataset`: ``x`` int64 ``(T, N)`` word ids padded
    with ``<pad>``, ``y`` int64 ``(N,)`` with ``label_names = ("negative", "positive")``.
    ``vocab`` is built from the training split only; other words encode to ``<unk>``.
    """
    if n < 10:
        raise ValueError(f"need n >= 10 draws, got {n}")
    rng = np.random.default_rng(seed)
    sentences = dict(LECTURE_SENTIMENT)
    for i in range(n):
        for text, label in _sentiment_sentences(rng, SENTIMENT_CONSTRUCTIONS[i % 4]):
            sentences.setdefault(text, label)
    tokens = [s.split(" ") for s in sentences]
    labels = np.fromiter(sentences.values(), dtype=np.int64, count=len(sentences))
    return _word_dataset(tokens, labels, ("negative", "positive"), val_frac, test_frac, seed)


def _word_dataset(
    tokens: list[list[str]],
    y: np.ndarray | list[list[int]],
    label_names: tuple[str, ...],
    val_frac: float,
    test_frac: float,
    seed: int,
) -> SequenceDataset:
    """Split, build the vocabulary on the training part, encode and pad."""
    train, val, test = split_indices(len(tokens), val_frac, test_frac, seed)
    vocab = Vocab.build([tokens[i] for i in train])
    x, lengths = pad_sequences([vocab.encode(t, unknown="unk") for t in tokens], vocab.pad_id)
    if not isinstance(y, np.ndarray):
        y, _ = pad_sequences([np.asarray(tags, dtype=np.int64) for tags in y], IGNORE_INDEX)
    return SequenceDataset(tokens, x, lengths, y, vocab, label_names, train, val, test)


# ---------------------------------------------------------------- named entities
NER_TAGS = ("O", "PER", "LOC", "ORG")

# ambiguous word -> {reading tag: right contexts}; "{last}" is filled with a Faker surname
_PERSON = ("{last} was a great president", "{last} signed the contract yesterday",
           "{last} is a famous singer", "{last} won the election", "{last} wrote a new book",
           "was a great president", "spoke to the press today")  # fmt: skip
_PLACE = ("is a beautiful city", "has a large airport", "was flooded after the storm",
          "is famous for its museums", "lies on the coast")  # fmt: skip
_AMBIGUOUS: dict[str, dict[str, tuple[str, ...]]] = {
    "Teddy": {
        "PER": _PERSON,
        "O": ("bears are on sale", "bears are soft toys", "bears make good presents"),
    },  # fmt: skip
    "Paris": {"PER": _PERSON, "LOC": _PLACE},
    "Georgia": {"PER": _PERSON, "LOC": _PLACE},
    "Florence": {"PER": _PERSON, "LOC": _PLACE},
    "Victoria": {"PER": _PERSON, "LOC": _PLACE},
    "Austin": {"PER": _PERSON, "LOC": _PLACE},
    "Sydney": {"PER": _PERSON, "LOC": _PLACE},
    "Jordan": {"PER": _PERSON, "LOC": _PLACE},
    "Apple": {
        "ORG": ("announced a new phone", "hired many engineers", "reported record profits"),
        "O": ("pie is my favourite dessert", "trees grow in the garden", "juice is on the table"),
    },  # fmt: skip
    "Amazon": {
        "ORG": ("shipped the order today", "hired many workers", "reported record profits"),
        "LOC": (
            "river floods every year",
            "rainforest is very large",
            "basin is home to many species",
        ),
    },  # fmt: skip
}
_ASIDES = ("", "according to the news", "as everyone knows", "this week", "once again")
"""Tag-neutral endings appended to the context, for variety."""


def _aside(rng: np.random.Generator) -> list[str]:
    aside = _ASIDES[rng.integers(len(_ASIDES))]
    return aside.split(" ") if aside else []


def _fill_slots(
    words: list[str], rng: np.random.Generator, slots: dict[str, tuple[list[str], str]]
) -> tuple[list[str], list[str]]:
    """Tokens and tags of a context: a slot word ("{last}") becomes a draw from its list with
    its tag; every other word stays and is tagged O."""
    toks, tags = [], []
    for w in words:
        if w in slots:
            choices, tag = slots[w]
            toks.append(choices[rng.integers(len(choices))])
            tags.append(tag)
        else:
            toks.append(w)
            tags.append("O")
    return toks, tags


def _tagged_dataset(
    sentences: dict[tuple[str, ...], tuple[str, ...]], val_frac: float, test_frac: float, seed: int
) -> SequenceDataset:
    tokens = [list(t) for t in sentences]
    y = [[NER_TAGS.index(t) for t in tags] for tags in sentences.values()]
    return _word_dataset(tokens, y, NER_TAGS, val_frac, test_frac, seed)


def _surnames() -> list[str]:
    from rnnbook.data.names import _faker_surnames

    return sorted(_faker_surnames("en_US"))


def ner_sentences(
    n: int = 3000, val_frac: float = 0.1, test_frac: float = 0.1, seed: int = 0
) -> SequenceDataset:
    """Sentences whose entity tags are decided by the words to the right.

    Each sentence starts with an ambiguous word whose tag only the following words reveal:
    "Teddy <surname> was a great president" (PER PER O ...) vs "Teddy bears are on sale"
    (O O ...), "Paris is a beautiful city" (LOC) vs "Paris <surname> won the election" (PER),
    and "Apple announced a new phone" (ORG) vs "Apple pie is my favourite dessert" (O).
    Only names are tagged: a common noun such as "bank" is no entity in any tagging scheme,
    whichever sense the right context gives it. Surnames are drawn from Faker's en_US list
    of 1,000; the lecture's "Teddy Roosevelt" has this form but is not a sample, as
    Roosevelt is not on that list. A left-to-right model cannot tag the ambiguous word
    better than chance; a bidirectional one can. Deduplicated.

    Returns a :class:`~rnnbook.data.SequenceDataset`: ``x`` int64 ``(T, N)`` word ids
    padded with ``<pad>``; ``y`` int64 ``(T, N)`` tag ids into ``label_names = NER_TAGS``,
    padded with ``IGNORE_INDEX``. ``vocab`` is built from the training split only (unseen
    surnames encode to ``<unk>``).
    """
    if n < 10:
        raise ValueError(f"need n >= 10 draws, got {n}")
    rng = np.random.default_rng(seed)
    surnames = _surnames()
    words = sorted(_AMBIGUOUS)
    sentences: dict[tuple[str, ...], tuple[str, ...]] = {}
    for _ in range(n):
        word = words[rng.integers(len(words))]
        readings = _AMBIGUOUS[word]
        tag = sorted(readings)[rng.integers(2)]
        context = readings[tag][rng.integers(len(readings[tag]))].split(" ") + _aside(rng)
        toks, tags = _fill_slots(context, rng, {"{last}": (surnames, "PER")})
        sentences.setdefault((word, *toks), (tag, *tags))
    return _tagged_dataset(sentences, val_frac, test_frac, seed)


GAP_PAIRS = (
    ("India", "Hindi"),
    ("France", "French"),
    ("Germany", "German"),
    ("Spain", "Spanish"),
    ("Italy", "Italian"),
    ("China", "Chinese"),
)
"""The countries of :func:`long_gap_sentences` and the language each one predicts."""

_GAP_FILLER = tuple(
    "then we moved to a small town and lived there for many years with our friends "
    "near the old river".split()
)


def long_gap_sentences(n: int, gap: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, Vocab]:
    """Sentences whose last word is decided ``gap`` filler words before it.

    Each sentence reads "I grew up in <country> . <gap filler words> . I speak fluent",
    and the label is the country's language (:data:`GAP_PAIRS`, six classes, drawn
    uniformly): "I grew up in India . then we moved ... . I speak fluent" -> Hindi. The
    filler words, drawn uniformly from a fixed list of 17, carry no information, so the
    only evidence is ``gap + 6`` steps before the prediction, and guessing scores 1/6.

    Returns ``x`` int64 ``(gap + 10, n)`` word ids (every sentence has the same length),
    ``y`` int64 ``(n,)`` label ids into :data:`GAP_PAIRS`, and the :class:`Vocab` (no
    special tokens; the same for every ``gap``).
    """
    if n < 1 or gap < 0:
        raise ValueError(f"need n >= 1 and gap >= 0, got n={n}, gap={gap}")
    vocab = Vocab(
        ["I", "grew", "up", "in", ".", "speak", "fluent"]
        + [country for country, _ in GAP_PAIRS]
        + sorted(set(_GAP_FILLER)),
        specials=(),
    )
    rng = np.random.default_rng(seed)
    y = rng.integers(0, len(GAP_PAIRS), size=n)
    filler = rng.integers(0, len(_GAP_FILLER), size=(n, gap))
    sentences = [
        ["I", "grew", "up", "in", GAP_PAIRS[label][0], "."]
        + [_GAP_FILLER[k] for k in row]
        + [".", "I", "speak", "fluent"]
        for label, row in zip(y.tolist(), filler, strict=True)
    ]
    x = np.array([vocab.encode(words) for words in sentences], dtype=np.int64).T
    return x, y.astype(np.int64), vocab


# ---------------------------------------------------------------- names that are two entities
AMBIGUOUS_NAMES: dict[str, tuple[str, ...]] = {
    "Jordan": ("PER", "LOC"),
    "Washington": ("PER", "LOC"),
    "Georgia": ("PER", "LOC"),
    "Victoria": ("PER", "LOC"),
    "Austin": ("PER", "LOC"),
    "Sydney": ("PER", "LOC"),
    "Florence": ("PER", "LOC"),
    "Paris": ("PER", "LOC"),
    "Ford": ("PER", "ORG"),
    "Dell": ("PER", "ORG"),
    "Mercedes": ("PER", "ORG"),
    "Amazon": ("ORG", "LOC"),
}
"""Each name of :func:`ambiguous_name_sentences` and the entity types it takes there."""

_CITIES = ("Boston", "Berlin", "Chicago", "Madrid", "Tokyo", "Lagos", "Lima", "Oslo")
"""Unambiguous places ({city} in a context); always LOC."""

_NAME_CONTEXTS: dict[str, tuple[str, ...]] = {
    "PER": (
        "{last} scored the winning goal", "{last} won the election", "{last} wrote a new book",
        "{last} was born in {city}", "scored the winning goal", "was a great president",
        "wrote a new book", "was born in {city}", "smiled at the crowd", "is a famous singer",
    ),
    "LOC": (
        "borders three countries", "is a beautiful place", "has a large airport",
        "attracts many tourists", "was flooded after the storm", "is famous for its museums",
        "is far from {city}", "has a mild climate",
    ),
    "ORG": (
        "reported record profits", "hired many engineers", "announced a new product",
        "opened a factory in {city}", "cut its prices", "shares fell sharply",
    ),
}  # fmt: skip
"""The right contexts of each entity type: only they tell what the name before them is."""

_NAME_PREFIXES = ("", "", "yesterday", "last year", "we heard that")
"""Tag-neutral words before the name, so that it is not always the first word."""


def ambiguous_name_sentences(
    n: int = 3000, val_frac: float = 0.1, test_frac: float = 0.1, seed: int = 0
) -> SequenceDataset:
    """Sentences with a name that is a person in one and a place or an organisation in another.

    Each sentence holds one of the :data:`AMBIGUOUS_NAMES`, after an optional tag-neutral
    prefix, followed by a right context that alone decides its entity type: "Jordan scored
    the winning goal" (Jordan: PER) vs "Jordan borders three countries" (LOC), "Ford Smith
    won the election" (PER PER, one entity) vs "Ford reported record profits" (ORG), "Amazon
    opened a factory in Berlin" (ORG ... LOC) vs "Amazon has a mild climate" (LOC). The type
    is drawn uniformly among the name's two, and every context of that type is used with
    every name, so the words up to and including the name carry no information about its
    type: a left-to-right tagger can do no better on the name than its most frequent type,
    a bidirectional one can be right every time. Surnames come from Faker's en_US list
    (less the twelve names and the cities, so that each sentence holds one ambiguous name);
    "{city}" is one of eight unambiguous cities (LOC). Tags are :data:`NER_TAGS` per word;
    an entity is a maximal run of one type (a name and its surname form one PER entity).
    Deduplicated. Unlike :func:`ner_sentences`, no common noun is tagged as an entity.

    Returns a :class:`~rnnbook.data.SequenceDataset`: ``x`` int64 ``(T, N)`` word ids padded
    with ``<pad>``; ``y`` int64 ``(T, N)`` tag ids into ``label_names = NER_TAGS``, padded
    with ``IGNORE_INDEX``. ``vocab`` is built from the training split only (unseen surnames
    encode to ``<unk>``).
    """
    if n < 10:
        raise ValueError(f"need n >= 10 draws, got {n}")
    rng = np.random.default_rng(seed)
    surnames = [s for s in _surnames() if s not in AMBIGUOUS_NAMES and s not in _CITIES]
    slots = {"{last}": (surnames, "PER"), "{city}": (_CITIES, "LOC")}
    names = sorted(AMBIGUOUS_NAMES)
    sentences: dict[tuple[str, ...], tuple[str, ...]] = {}
    for _ in range(n):
        name = names[rng.integers(len(names))]
        kind = AMBIGUOUS_NAMES[name][rng.integers(2)]
        contexts = _NAME_CONTEXTS[kind]
        prefix = _NAME_PREFIXES[rng.integers(len(_NAME_PREFIXES))]
        head = (prefix.split(" ") if prefix else []) + [name]
        context = contexts[rng.integers(len(contexts))].split(" ")
        toks, tags = _fill_slots(context, rng, slots)
        sentences.setdefault((*head, *toks), (*["O"] * (len(head) - 1), kind, *tags))
    return _tagged_dataset(sentences, val_frac, test_frac, seed)


def digit_pair_sums(
    n: int, T: int = 20, modulus: int = 10, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Random digits and, at every step, the sum of the last two digits modulo ``modulus``.

    ``x[t, j]`` is drawn uniformly from ``0 … modulus - 1``; the target is
    ``y[t, j] = (x[t, j] + x[t - 1, j]) % modulus`` for ``t >= 1`` and ``IGNORE_INDEX`` at
    ``t = 0``, which has no previous digit. The task needs one step of memory and, at every
    step, a function of two digits that no single linear read-out of either separates: a
    per-step computation that stacked layers can share out (chapter 08). Guessing scores
    ``1 / modulus``.

    Returns ``x`` int64 ``(T, n)`` digit ids (the vocabulary is the digits themselves) and
    ``y`` int64 ``(T, n)``.
    """
    if n < 1 or T < 2 or modulus < 2:
        raise ValueError(
            f"need n >= 1, T >= 2 and modulus >= 2, got n={n}, T={T}, modulus={modulus}"
        )
    rng = np.random.default_rng(seed)
    x = rng.integers(0, modulus, size=(T, n))
    y = np.full((T, n), IGNORE_INDEX, dtype=np.int64)
    y[1:] = (x[1:] + x[:-1]) % modulus
    return x.astype(np.int64), y
