# --sort date: newest article first whatever the score (by score, "party" ranks 000, 001, 002)
@ARGS --db @INDEX@ --trec t --sort date party
@EXIT 0
@COLUMNS 3,4
@STDOUT
002_1f1585d510dcca08 1
001_bddc4086102f42a0 2
000_251854af372bd607 3
@RUN

# -date: oldest first; pages work as by score
@ARGS --db @INDEX@ --trec t --sort -date -n 2 --offset 1 party
@EXIT 0
@COLUMNS 3,4
@STDOUT
001_bddc4086102f42a0 2
002_1f1585d510dcca08 3
@RUN

# with a date filter
@ARGS --db @INDEX@ --trec t --sort date party date:..2019
@EXIT 0
@COLUMNS 3,4
@STDOUT
001_bddc4086102f42a0 1
000_251854af372bd607 2
@RUN

# the human output shows the dates in order
@ARGS --db @INDEX@ --no-scores --color never --width 60 --sort date party
@EXIT 0
@STDOUT-HAS   1. 002_1f1585d510dcca08  2021-11-24
@STDOUT-HAS   2. 001_bddc4086102f42a0  2019-01-05
@STDOUT-HAS   3. 000_251854af372bd607  2018-03-26
@RUN

# JSON's summary says which order ran
@ARGS --db @INDEX@ --json --no-scores --sort -date -n 1 party
@EXIT 0
@STDOUT-HAS "sort":"-date"
@RUN

# anything else is refused
@ARGS --db @INDEX@ --sort newest party
@EXIT 2
@STDERR
trawl-search: invalid --sort 'newest': expected score, date or -date
