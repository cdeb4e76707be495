"""The progress bar every training loop of the book shows."""

import sys
from collections.abc import Iterable

from tqdm import tqdm


def progress_bar(
    iterable: Iterable | None = None,
    total: int | None = None,
    desc: str | None = None,
    enabled: bool = True,
) -> tqdm:
    """A plain-text tqdm bar on stdout.

    Plain text, not ``tqdm.auto``'s widget: ipywidgets is not a dependency, and an executed
    notebook stores text that the static book renders (``nb_merge_streams`` in _config.yml
    collapses the bar's carriage-return updates into its last state).
    """
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        disable=not enabled,
        file=sys.stdout,
        mininterval=0.5,
        ncols=100,
    )
