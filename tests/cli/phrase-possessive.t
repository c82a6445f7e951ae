# A possessive ending does not break a phrase (issue 23): "Bank of England" matches "the Bank
# of England's" with a straight or a curly apostrophe, and marks "Bank of England's" whole;
# a passage with the words but not the phrase still does not match
@CORPUS tests/data/possessive
@ARGS --db @INDEX@ --no-scores --trec t '"Bank of England"'
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
boe-market
boe-rate
@RUN

@ARGS --db @INDEX@ --no-scores --json '"Bank of England"'
@EXIT 0
@STDOUT-HAS "article":"boe-rate"
@STDOUT-HAS "highlights":[[4,21]]
@STDOUT-HAS "highlights":[[4,23]]
@RUN

# the ending is optional in the text, not in the query: "England's" is not "England"
@ARGS --db @INDEX@ --no-scores --trec t "\"England's\""
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
boe-market
boe-rate
@RUN

# the issue's form: one article, every passage
@ARGS --db @INDEX@ --no-scores --color never --all-passages '"Bank of England"' article:boe-market
@EXIT 0
@STDOUT-HAS The Bank of England’s money market operations
