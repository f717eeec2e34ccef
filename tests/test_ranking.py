"""The ranking's pure decisions: the head ``merge`` calls certain, from the lexical window and
any prefix of the nearest-postings stream, is always a prefix of the ranking of everything."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from worker.ranking import Candidate, merge

SOURCES = ["indeed", "lever", "other"]


@st.composite
def postings(draw: st.DrawFn) -> list[Candidate]:
    count = draw(st.integers(1, 40))
    found = []
    for i in range(count):
        lexical = draw(st.sampled_from([0.0, 0.0, 1.5, 3.0, 6.0]))
        found.append(
            Candidate(
                draw(st.sampled_from(SOURCES)),
                f"j{i}",
                f"c{draw(st.integers(0, count // 2))}",  # clusters of several copies
                draw(st.sampled_from([0.1, 0.3, 0.3, 0.5, 0.7, 0.9])),  # ties on purpose
                lexical,
                lexical > 0 and draw(st.booleans()) and draw(st.booleans()),
                None,
            )
        )
    return found


@settings(max_examples=300, deadline=None)
@given(
    everything=postings(),
    mode=st.sampled_from(["hybrid", "semantic", "lexical"]),
    read=st.integers(0, 40),
    seed=st.integers(0, 1000),
)
def test_the_certain_head_is_a_prefix_of_the_whole_ranking(
    everything: list[Candidate], mode: str, read: int, seed: int
) -> None:
    # the window: every lexical candidate, complete, with its similarity (as read.py reads it)
    window = [c for c in everything if c.lexical > 0] if mode != "semantic" else []
    if mode == "lexical":
        stream: list[Candidate] = []
    else:  # nearest first; postings at the same distance in any order, as an index yields them;
        # the stream knows only similarity
        shuffled = [replace(c, lexical=0.0, exact=False) for c in everything]
        random.Random(seed).shuffle(shuffled)
        stream = sorted(shuffled, key=lambda c: -(c.similarity or 0.0))
    whole = merge(window, stream, mode=mode, ideal=6.0, bound=None).ranked
    prefix = stream[:read]
    bound = prefix[-1].similarity if prefix and len(prefix) < len(stream) else None
    if not prefix and stream:
        bound = 1.0  # nothing read yet: anything may come
    head = merge(window, prefix, mode=mode, ideal=6.0, bound=bound).ranked
    assert [c.ident for _, c in head] == [c.ident for _, c in whole][: len(head)]
    assert len({c.cluster for _, c in whole}) == len(whole)
    if bound is None:
        assert len(head) == len(whole)
