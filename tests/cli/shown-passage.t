# The passage shown for an article is the one whose own text matches (issue #13): every passage
# holds the article's given title four times, so a short passage without any query word used to
# outscore the long one that has them all, and was shown. tests/data/shown-passage: the title
# "Brazil debt moratorium", ¶0 (long) has the three words, ¶1 and ¶2 (short) have none.
@CORPUS tests/data/shown-passage

# the default view shows ¶0, the passage with the words
@ARGS --db @INDEX@ --no-scores --width 60 --color never brazil debt moratorium
@EXIT 0
@STDERR-EMPTY
@STDOUT
  1. moratorium  no date  ¶0
     Brazil debt moratorium
     …debt on Friday, and the finance minister said the moratorium…
     (+2 more matching passages in this article)
@RUN

# --all-passages ranks passages by their own score, title included (fused with their article's,
# the same for all three here): ¶0 is last there
@ARGS --db @INDEX@ --no-scores --width 0 --color never --all-passages --trec-passages --trec t brazil debt moratorium
@EXIT 0
@COLUMNS 3
@STDOUT
moratorium#2
moratorium#1
moratorium#0
@RUN
