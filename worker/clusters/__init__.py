"""One job, many boards: which active postings are copies of one job (duplicate clusters).

Pure functions (no I/O), in the order a posting meets them:

  folding       text to comparable words (invisible characters, case, transliteration)
  places        a location to a place key (gazetteer), and when two places are compatible
  companies     a company name to a company key (legal forms, articles, regions)
  titles        a title to a title key (gender markers, abbreviations, levels, suffixes)
  descriptions  a description to the words that are about the job (HTML, boilerplate)
  signature     all of these for one posting, with its MinHash and LSH band keys
  rule          whether two postings are the same job
  partition     a set of postings to clusters: components of the rule, places settled, ids

In the write transaction (PostgreSQL):

  candidates    the locks and reads the decision needs
  assign        the decision for one batch: its clusters and the stored postings it moves

Around them: ``helper`` computes signatures in a helper process beside the worker, and
``backfill`` signs and clusters a table stored without them. The pipeline decides clusters
with :func:`assign.decide` and hands them to the store (:mod:`worker.write`), which only
stores.
"""
