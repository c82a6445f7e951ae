# --expand: pseudo-relevance feedback. The best words of the query's 10 best passages are added
# at 0.3 of their weight with AND_MAYBE: they re-rank what the query matches, never add to it.

# the query as Xapian runs it (TRAWL_DEBUG_QUERY): the original, then the expanded one
@ENV TRAWL_DEBUG_QUERY=1
@ARGS --db @INDEX@ --no-scores --color never -n 1 --expand Facebook likes target
@EXIT 0
@STDERR-HAS trawl: query: Query((facebook OR like OR target))
@STDERR-HAS trawl: query: Query(((facebook OR like OR target) AND_MAYBE 0.2999999999999999889 * (
@STDOUT-HAS   1. 000_251854af372bd607  2018-03-26  ¶0
@RUN

# the same passages match with and without it (7 passages say "Congress")
@ARGS --db @INDEX@ --no-scores --color never --all-passages -n 20 --expand --json congress
@EXIT 0
@STDOUT-HAS "estimated":7
@RUN

@ARGS --db @INDEX@ --no-scores --color never --all-passages -n 20 --json congress
@EXIT 0
@STDOUT-HAS "estimated":7
@RUN
