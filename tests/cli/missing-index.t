# an index that is not there: exit 2 and one line saying how to build one
@ARGS --db @TMP@/nowhere likes
@EXIT 2
@STDERR-HAS trawl-search: no index at
@STDERR-HAS build one with trawl-index
