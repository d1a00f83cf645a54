"""Drafting fixtures from article text: a source and its claims, proposed for review.

The rules are pure functions over text and plain data, one module per concern:

* ``reading``: decoding, lines (body, captions, page furniture), sentences, words;
* ``dates``: publication dates, datelines, dates of events relative to publication;
* ``metadata``: title, outlet, byline, dateline, wire and photo credits, source key;
* ``credits``: the name of an outlet a credit line or dateline gives, when new;
* ``places``: the gazetteer and the references to monuments in a sentence;
* ``unregistered``: names of buildings in the text that the registry does not hold;
* ``states``: the state wording claims, with negation, modality, parts and shares;
* ``claims``: clauses, attribution, dates and the claims of one sentence;
* ``copies``: likely copies of registered sources;
* ``article``: one article from text to a drafted source;
* ``evaluation``: precision and recall of (monument, state) pairs against labels;
* ``candidates``: every (monument, state) pair the rules considered, kept or dropped,
  with the features of how they read it;
* ``learned``: the learned filter over those pairs, read from ``model.json``;
* ``training``: fitting that filter, and measuring it leave-one-conflict-out.

``registry`` is the thin layer that reads the database and writes fixture objects.
"""

from heritage.drafting.article import DraftingError, DraftSource, NothingToDraft, draft_article
from heritage.drafting.claims import DraftClaim
from heritage.drafting.reading import UnreadableArticle, decode_article

__all__ = [
    "DraftClaim",
    "DraftSource",
    "DraftingError",
    "NothingToDraft",
    "UnreadableArticle",
    "decode_article",
    "draft_article",
]
