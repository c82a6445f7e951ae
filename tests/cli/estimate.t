# "about N matching articles" is never above the number of articles the index holds (issue
# 23, item 3): Xapian's estimate of the collapsed matches of these words is 2,000 on CISI's
# 1,460 articles
@CORPUS tests/data/cisi/docs.jsonl
@ARGS --db @INDEX@ --json --no-scores -n 1 the of and
@EXIT 0
@STDOUT-HAS "hits":1,"estimated":1460,
@RUN
# nor above the passages it holds, in the every-passage view (2,067), nor below what was seen
@ARGS --db @INDEX@ --json --no-scores -n 1 --all-passages the of and
@EXIT 0
@STDOUT-HAS "hits":1,"estimated":2060,
@RUN
@ARGS --db @INDEX@ --json --no-scores -n 3 --offset 5 --all-passages the of and
@EXIT 0
@STDOUT-HAS "offset":5,"hits":3,"estimated":2060,
@RUN
