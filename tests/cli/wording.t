# Small things a new user hit (issue 23, item 12).

# one match is "1 matching article", not "articles" (the summary line has a timing: HAS only)
@ARGS --db @INDEX@ -n 1 guardian
@EXIT 0
@STDOUT-HAS 1 of 1 matching article,
@RUN
@ARGS --db @INDEX@ --no-scores --offset 1 guardian
@EXIT 0
@STDOUT
no more results (1 matching article)
@RUN
@ARGS --db @INDEX@ --no-scores --offset 1 --all-passages guardian
@EXIT 0
@STDOUT
no more results (1 matching passage)
@RUN
@ARGS --db @INDEX@ --no-scores --offset 3 likes
@EXIT 0
@STDOUT
no more results (3 matching articles)
@RUN

# --help's query syntax names every field filter, source: too
@ARGS --help
@EXIT 0
@STDOUT-HAS article:ID, source:NAME source:"Example Times".
@RUN
