# "about N matching articles" is never above the number of articles the index holds (issue
# 23, item 3). A single index's article question is its article impact file's, exact, even
# with TRAWL_IMPACTS=off (which ignores the passage file alone: the article documents hold no
# ranking terms for Xapian, schema 8)
@CORPUS tests/data/cisi/docs.jsonl
@ENV TRAWL_IMPACTS=off
@ARGS --db @INDEX@ --json --no-scores -n 1 the of and
@EXIT 0
@STDOUT-HAS "hits":1,"estimated":1460,"exact":true,
@RUN
# nor above the passages it holds, in the every-passage view (2,067), nor below what was seen:
# Xapian's estimate, without the impact file (docs/design.md, "Impact files")
@ENV TRAWL_IMPACTS=off
@ARGS --db @INDEX@ --json --no-scores -n 1 --all-passages the of and
@EXIT 0
@STDOUT-HAS "hits":1,"estimated":2060,"exact":false,
@RUN
@ENV TRAWL_IMPACTS=off
@ARGS --db @INDEX@ --json --no-scores -n 3 --offset 5 --all-passages the of and
@EXIT 0
@STDOUT-HAS "offset":5,"hits":3,"estimated":2060,"exact":false,
@RUN
# The impact file counts the matches exactly: 2,066 passages hold one of the words (one holds
# none), and 1,460 articles
@ARGS --db @INDEX@ --json --no-scores -n 3 --offset 5 --all-passages the of and
@EXIT 0
@STDOUT-HAS "offset":5,"hits":3,"estimated":2066,"exact":true,
@RUN
@ARGS --db @INDEX@ --json --no-scores -n 1 the of and
@EXIT 0
@STDOUT-HAS "hits":1,"estimated":1460,"exact":true,
@RUN
# and the human-readable summary says "about" only of an estimate (Xapian's, of passages)
@ENV TRAWL_IMPACTS=off
@ARGS --db @INDEX@ -n 1 --all-passages the of and
@EXIT 0
@STDOUT-HAS 1 of about 2060 matching passages,
@RUN
@ARGS --db @INDEX@ -n 1 the of and
@EXIT 0
@STDOUT-HAS 1 of 1460 matching articles,
@RUN
