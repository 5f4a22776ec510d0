"""The reference library: each document type's specimen per side and light, its security features marked by
numbered callouts drawn from the generator's public layout, each with what to look for and the indicator id a
failure maps to (what PRADO and Keesing give a real examiner). `callouts` builds the pages, `static_html` writes
them as a static HTML page."""
