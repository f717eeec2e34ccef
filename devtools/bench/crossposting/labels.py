"""The labels of the cross-posting set: per posting its real job, board and variations, and
the hard-negative pairs that must stay apart."""

from __future__ import annotations

from dataclasses import dataclass

# Hard-negative classes: pairs of postings that look alike but are different real jobs.
NEGATIVES = (
    "same_title_other_city",  # one employer, one title, two cities
    "same_title_namesake_city",  # ... two towns of one name (Portland OR / ME)
    "repost_after_removal",  # the job was removed, then posted again as a new opening
    "shared_boilerplate",  # one employer's jobs with the same intro, other teams and duties
    "trivial_description",  # "<p></p>" or "TBD" for text; only the titles differ
    "aggregator_multi_city",  # a copy without location vs the employer's other cities
)


@dataclass(frozen=True)
class PostingLabel:
    job_id: str  # "{source}:{external_id}", the posting's Kafka key
    job_key: str  # the real job: equal for copies of one job, never across jobs
    board: str  # where it was posted (several boards share the contract's "other" source)
    source: str
    active: bool  # False: a job.removed event for it follows in the stream
    canonical: bool  # the employer's own posting, as the employer wrote it
    variations: tuple[str, ...]  # how this posting differs from the employer's own version
    negatives: tuple[str, ...]  # hard-negative classes it takes part in


@dataclass(frozen=True)
class NegativePair:
    a: str  # job_id
    b: str  # job_id
    kind: str  # one of NEGATIVES
