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
