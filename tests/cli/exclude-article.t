# In the one-passage-per-article view, -word and NOT exclude every article that mentions the
# word anywhere. On corpus/, Facebook is in 000 and 002 (001's passages say "facebook" too,
# with Congress); Congress is in 001 and 002 (grep -il congress corpus/*), so only 000 is
# left, although 002's Facebook passages (#0, #2) do not themselves say Congress.
@ARGS --db @INDEX@ --trec t -n 50 -- Facebook -Congress
@EXIT 0
@COLUMNS 3
@STDOUT
000_251854af372bd607
@RUN

@ARGS --db @INDEX@ --trec t -n 50 -- Facebook NOT Congress
@EXIT 0
@COLUMNS 3
@STDOUT
000_251854af372bd607
@RUN

# An excluded phrase is looked for in the text of every passage of the article: both 000 and
# 002 say "Narendra Modi" somewhere, though not in their Facebook passages.
@ARGS --db @INDEX@ --trec t -n 50 -- Facebook '-"Narendra Modi"'
@EXIT 1
@STDOUT
@RUN

# With --all-passages, exclusion is per passage: 002's passages without Congress stay.
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- Facebook -Congress
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#2
000_251854af372bd607#5
002_1f1585d510dcca08#0
002_1f1585d510dcca08#2
@RUN

# An excluded phrase excludes where the phrase is, not where its words are apart: 000's ¶1
# says "dinner meeting", never "meeting dinner", so -"meeting dinner" keeps it (shown, as
# the best passage for party) and -"dinner meeting" leaves 000 out.
@ARGS --db @INDEX@ --trec t --trec-passages -n 50 -- party '-"meeting dinner"'
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#1
001_bddc4086102f42a0#0
002_1f1585d510dcca08#3
@RUN

@ARGS --db @INDEX@ --trec t -n 50 -- party '-"dinner meeting"'
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
001_bddc4086102f42a0
002_1f1585d510dcca08
@RUN

# per passage, likewise: 000's ¶1 stays with -"meeting dinner", goes with -"dinner meeting"
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- party '-"meeting dinner"'
@EXIT 0
@STDOUT-HAS 000_251854af372bd607#1
@RUN

@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- party '-"dinner meeting"'
@EXIT 0
@STDOUT-LACKS 000_251854af372bd607#1
@STDOUT-HAS 000_251854af372bd607#0
@RUN
