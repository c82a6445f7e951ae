# In the default view (one passage per article) --all, AND and +word ask of the article, as
# NOT does: "cambridge" and "narendra" are in one article of the sample corpus but in no one
# passage of it. In the every-passage view they ask of the passage. (Issue #22.)

# --all: the article holds both words, in different passages
@ARGS --db @INDEX@ --trec t -a -- cambridge narendra
@EXIT 0
@COLUMNS 3
@STDOUT
000_251854af372bd607
@RUN

# AND, the same
@ARGS --db @INDEX@ --trec t -- 'cambridge AND narendra'
@EXIT 0
@COLUMNS 3
@STDOUT
000_251854af372bd607
@RUN

# +word, the same
@ARGS --db @INDEX@ --trec t -- +cambridge +narendra
@EXIT 0
@COLUMNS 3
@STDOUT
000_251854af372bd607
@RUN

# with a filter on the article
@ARGS --db @INDEX@ --trec t -- 'cambridge AND narendra' article:000_251854af372bd607
@EXIT 0
@COLUMNS 3
@STDOUT
000_251854af372bd607
@RUN

# and NOT a word of that article leaves nothing
@ARGS --db @INDEX@ --trec t -- 'cambridge AND narendra -mahajan'
@EXIT 1
@COLUMNS 3
@STDOUT
@RUN

# every passage: no passage holds both
@ARGS --db @INDEX@ --trec t --all-passages -a -- cambridge narendra
@EXIT 1
@COLUMNS 3
@STDOUT
@RUN
