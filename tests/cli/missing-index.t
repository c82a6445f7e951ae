@ARGS --db @TMP@/nowhere likes
@EXIT 2
@STDERR-HAS trawl-search: no index at
@STDERR-HAS build one with trawl-index
