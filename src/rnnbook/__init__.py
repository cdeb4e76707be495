"""rnnbook: the code behind the course book *Recurrent Neural Networks*.

Subpackages
-----------
scratch  numpy; every forward and backward pass written by hand
nn       torch modules interchangeable with ``torch.nn``
data     vocabularies and every dataset the book uses, offline and seeded
checks   the exercise checkers, one module per chapter

Modules ``train``, ``metrics`` and ``plot`` hold the training loop, the metrics and the
figures shared by the chapters.
"""

__version__ = "0.1.0"
