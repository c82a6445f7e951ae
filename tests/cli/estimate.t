# "about N matching articles" is never above the number of articles the index holds (issue
# 23, item 3): Xapian's estimate of the collapsed matches of these words is 2,000 on CISI's
# 1,460 articles (Xapian's estimate: without the impact file)
@CORPUS tests/data/cisi/docs.jsonl
@ENV TRAWL_IMPACTS=off
@ARGS --db @INDEX@ --json --no-scores -n 1 the of and
@EXIT 0
@STDOUT-HAS "hits":1,"estimated":1460,
@RUN
# nor above the passages it holds, in the every-passage view (2,067), nor below what was seen:
# Xapian's estimate, without the impact file (docs/design.md, "Impact files")
@ENV TRAWL_IMPACTS=off
@ARGS --db @INDEX@ --json --no-scores -n 1 --all-passages the of and
@EXIT 0
@STDOUT-HAS "hits":1,"estimated":2060,
@RUN
@ENV TRAWL_IMPACTS=off
@ARGS --db @INDEX@ --json --no-scores -n 3 --offset 5 --all-passages the of and
@EXIT 0
@STDOUT-HAS "offset":5,"hits":3,"estimated":2060,
@RUN
# The impact file counts the matches exactly: 2,066 passages hold one of the words (one holds
# none), and 1,460 articles
@ARGS --db @INDEX@ --json --no-scores -n 3 --offset 5 --all-passages the of and
@EXIT 0
@STDOUT-HAS "offset":5,"hits":3,"estimated":2066,
@RUN
@ARGS --db @INDEX@ --json --no-scores -n 1 the of and
@EXIT 0
@STDOUT-HAS "hits":1,"estimated":1460,
@RUN
