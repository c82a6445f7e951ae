# Queries with nothing to rank by (issue 23, item 8).
@CORPUS tests/data/ties

# no word at all: nothing to search, which is not "no passage matches"
@ARGS --db @INDEX@ --no-scores -- '?!...'
@EXIT 1
@STDOUT
the query '?!...' has no words to search
@RUN
@ARGS --db @INDEX@ --no-scores -- '"?!" …'
@EXIT 1
@STDOUT
the query '"?!" …' has no words to search
@RUN
# a word the index lacks is still "no passage matches"
@ARGS --db @INDEX@ --no-scores zebra
@EXIT 1
@STDOUT-HAS no passage matches 'zebra'
@RUN

# every word in more than half of the articles: the scores tie, and a note says the order
# means nothing (above the count, which --no-scores leaves out with the scores)
@ARGS --db @INDEX@ the sat on
@EXIT 0
@STDOUT-HAS score 0.245
@STDOUT-HAS note: every word of the query is in more than half of the articles: the results tie, and their order means nothing
@RUN
@ARGS --db @INDEX@ --all-passages the sat on
@EXIT 0
@STDOUT-HAS note: every word of the query is in more than half of the articles: the results tie, and their order means nothing
@RUN
# one hit shown: no tie to see, the scores still say little
@ARGS --db @INDEX@ -n 1 the sat on
@EXIT 0
@STDOUT-HAS note: every word of the query is in more than half of the articles: the scores say little, and so does the order
@RUN
# a word in one article ranks: no note
@ARGS --db @INDEX@ the cat
@EXIT 0
@STDOUT-LACKS note:
@RUN
# sorted by date, the order is the dates': no note
@ARGS --db @INDEX@ --sort date the sat on
@EXIT 0
@STDOUT-LACKS note:
@RUN
