"""The tables behind ``devtools.bench.heldout_search``: places and companies, role texts in
English, German and Spanish, the phrases that frame a posting, and the graded query specs."""
