# Each class of query error: exit 2, nothing on stdout, and one line on stderr that quotes
# the query and names the column at fault (stderr is not a terminal here, so no caret).

# an unclosed quote: the column of the quote
@ARGS --db @INDEX@ -- 'likes "target'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'likes "target' at column 7: unbalanced '"': the quote is never closed
@RUN

# an unclosed parenthesis
@ARGS --db @INDEX@ -- '(facebook likes'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query '(facebook likes' at column 1: unbalanced '(': the parenthesis is never closed
@RUN

# a ')' with nothing to close
@ARGS --db @INDEX@ -- 'facebook likes)'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'facebook likes)' at column 15: unexpected ')': no '(' to close
@RUN

# a month out of range: the column of the date value
@ARGS --db @INDEX@ -- date:2018-13-01
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'date:2018-13-01' at column 6: bad date 'date:2018-13-01': month must be 01-12
@RUN

# a day that does not exist in that month
@ARGS --db @INDEX@ -- date:2018-02-30
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'date:2018-02-30' at column 6: bad date 'date:2018-02-30': day must be 01-28 in 2018-02
@RUN

# a range backwards
@ARGS --db @INDEX@ -- date:2019..2018
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'date:2019..2018' at column 6: bad date 'date:2019..2018': the start is after the end
@RUN

# a range without ends
@ARGS --db @INDEX@ -- date:..
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'date:..' at column 6: bad date 'date:..': give a start, an end or both around '..'
@RUN

# a filter without a value
@ARGS --db @INDEX@ -- date:
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'date:' at column 1: 'date:' needs a value, e.g. date:2018-03
@RUN

# an article filter without an id
@ARGS --db @INDEX@ -- article:
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'article:' at column 1: 'article:' needs an article id
@RUN

# an empty phrase
@ARGS --db @INDEX@ -- 'facebook ""'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'facebook ""' at column 10: empty phrase '""'
@RUN

# a wildcard prefix too short to be useful
@ARGS --db @INDEX@ -- 'f*'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'f*' at column 1: prefix 'f*' is too short: put at least 2 characters before '*'
@RUN

# an operator without its operand
@ARGS --db @INDEX@ -- 'facebook AND'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'facebook AND' at column 10: 'AND' needs a query on both sides
@RUN

# an OR without a left side
@ARGS --db @INDEX@ -- 'OR facebook'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'OR facebook' at column 1: 'OR' needs a query on both sides
@RUN

# NOT alone
@ARGS --db @INDEX@ -- NOT
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'NOT' at column 1: 'NOT' needs a query after it
@RUN

# a query that only excludes
@ARGS --db @INDEX@ -- -facebook
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query '-facebook' at column 1: the query only excludes: add a word to search for
@RUN

# empty parentheses
@ARGS --db @INDEX@ -- 'facebook ( )'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'facebook ( )' at column 10: empty parentheses '()'
@RUN

# a sign followed by a space
@ARGS --db @INDEX@ -- '+ facebook'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query '+ facebook' at column 1: '+' must be followed by a word, a phrase or '('
@RUN

# a double negation
@ARGS --db @INDEX@ -- 'NOT -facebook'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'NOT -facebook' at column 5: '-' cannot follow 'NOT'
@RUN

# parentheses nested too deep
@ARGS --db @INDEX@ -- '(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query '(((((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))))' at column 33: parentheses nested deeper than 32
@RUN

# nothing but white space
@ARGS --db @INDEX@ -- '   '
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query '   ' at column 1: empty query
@RUN

# columns count characters, not bytes: the quote after 'café' is at column 6
@ARGS --db @INDEX@ -- 'café "x'
@EXIT 2
@STDOUT
@STDERR
trawl-search: error in query 'café "x' at column 6: unbalanced '"': the quote is never closed
@RUN
