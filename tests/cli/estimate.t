# "about N matching articles" is never above the number of articles the index holds (issue
# 23, item 3): Xapian's estimate of the collapsed matches of these words is 2,000 on CISI's
# 1,460 articles (Xapian's estimate: without the impact file)
@CORPUS tests/data/cisi/docs.jsonl
@ENV TRAWL_IMPACTS=off
@ARGS --db @INDEX@ --json --no-scores -n 1 the of and
@EXIT 0
@STDOUT-HAS "hits":1,"estimated":1460,"exact":false,
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
# and the human-readable summary says "about" only of an estimate
@ENV TRAWL_IMPACTS=off
@ARGS --db @INDEX@ -n 1 the of and
@EXIT 0
@STDOUT-HAS 1 of about 1460 matching articles,
@RUN
@ARGS --db @INDEX@ -n 1 the of and
@EXIT 0
@STDOUT-HAS 1 of 1460 matching articles,
@RUN
