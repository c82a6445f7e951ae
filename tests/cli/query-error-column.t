# a malformed query: one line quoting it and naming the column, exit 2, nothing on stdout
@ARGS --db @INDEX@ -- likes '"target'
@EXIT 2
@STDOUT
@STDERR-HAS trawl-search: error in query 'likes "target' at column 7
