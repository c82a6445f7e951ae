# Every operator and filter of the query language on the sample corpus: which passages
# match (TREC docids article#n: --trec-passages, --all-passages; @SORTED, so a change of
# ranking does not touch these; ranking has its own tests). Each set was checked against a
# regular-expression oracle over the passages' text (the sample articles' titles are their
# first sentences, which passages do not carry again).

# plain words: any may match (OR)
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- facebook likes
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#2
000_251854af372bd607#3
000_251854af372bd607#5
001_bddc4086102f42a0#5
002_1f1585d510dcca08#0
002_1f1585d510dcca08#2
002_1f1585d510dcca08#3
002_1f1585d510dcca08#6
@RUN

# --all: every word must match
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 --all -- facebook likes
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#2
@RUN

# -a is --all
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -a -- facebook likes
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#2
@RUN

# an exact phrase, in order, unstemmed
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- '"live video call"'
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#3
@RUN

# a phrase whose words are all present but never in this order matches nothing
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- '"call video live"'
@EXIT 1
@COLUMNS 3
@SORTED
@STDOUT
@RUN

# a quoted single word is that exact word ("likes", not "like")
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- '"likes"'
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#2
000_251854af372bd607#3
@RUN

# a plain word is stemmed: "likes" also finds "like"
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- likes
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#2
000_251854af372bd607#3
001_bddc4086102f42a0#5
002_1f1585d510dcca08#3
002_1f1585d510dcca08#6
@RUN

# +required, -excluded, and a plain word that only ranks
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- +facebook likes -target
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#2
000_251854af372bd607#5
002_1f1585d510dcca08#0
002_1f1585d510dcca08#2
@RUN

# an excluded phrase removes only passages with the exact sequence
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- 'party -"social media"'
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#1
001_bddc4086102f42a0#1
001_bddc4086102f42a0#4
002_1f1585d510dcca08#3
@RUN

# AND, OR, NOT and parentheses (NOT binds tighter than AND, AND than OR)
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- 'facebook AND (likes OR twitter) NOT target'
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#2
002_1f1585d510dcca08#0
002_1f1585d510dcca08#2
@RUN

# OR of two rare words
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- twitter OR instagram
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
002_1f1585d510dcca08#0
002_1f1585d510dcca08#2
@RUN

# a leading NOT excludes from what follows
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- NOT facebook AND party
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#1
001_bddc4086102f42a0#0
001_bddc4086102f42a0#1
001_bddc4086102f42a0#2
001_bddc4086102f42a0#3
001_bddc4086102f42a0#4
001_bddc4086102f42a0#5
002_1f1585d510dcca08#3
002_1f1585d510dcca08#6
@RUN

# a prefix wildcard: facebook and facing
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- 'face*'
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

# a prefix wildcard next to a word
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- 'dissem* modi'
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#1
000_251854af372bd607#6
002_1f1585d510dcca08#1
002_1f1585d510dcca08#5
002_1f1585d510dcca08#6
@RUN

# date:YYYY-MM-DD, one day (filters alone weigh nothing: article, then passage order)
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- date:2018-03-26
@EXIT 0
@COLUMNS 3
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#1
000_251854af372bd607#2
000_251854af372bd607#3
000_251854af372bd607#4
000_251854af372bd607#5
000_251854af372bd607#6
000_251854af372bd607#7
@RUN

# date:YYYY-MM, one month
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- date:2019-01
@EXIT 0
@COLUMNS 3
@STDOUT
001_bddc4086102f42a0#0
001_bddc4086102f42a0#1
001_bddc4086102f42a0#2
001_bddc4086102f42a0#3
001_bddc4086102f42a0#4
001_bddc4086102f42a0#5
001_bddc4086102f42a0#6
@RUN

# date:YYYY, one year
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- date:2021
@EXIT 0
@COLUMNS 3
@STDOUT
002_1f1585d510dcca08#0
002_1f1585d510dcca08#1
002_1f1585d510dcca08#2
002_1f1585d510dcca08#3
002_1f1585d510dcca08#4
002_1f1585d510dcca08#5
002_1f1585d510dcca08#6
@RUN

# a range of years, inclusive
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- date:2018..2019
@EXIT 0
@COLUMNS 3
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#1
000_251854af372bd607#2
000_251854af372bd607#3
000_251854af372bd607#4
000_251854af372bd607#5
000_251854af372bd607#6
000_251854af372bd607#7
001_bddc4086102f42a0#0
001_bddc4086102f42a0#1
001_bddc4086102f42a0#2
001_bddc4086102f42a0#3
001_bddc4086102f42a0#4
001_bddc4086102f42a0#5
001_bddc4086102f42a0#6
@RUN

# an open end: from a day on
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- date:2019-01-06..
@EXIT 0
@COLUMNS 3
@STDOUT
002_1f1585d510dcca08#0
002_1f1585d510dcca08#1
002_1f1585d510dcca08#2
002_1f1585d510dcca08#3
002_1f1585d510dcca08#4
002_1f1585d510dcca08#5
002_1f1585d510dcca08#6
@RUN

# an open start: up to a day
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- date:..2019-01-05
@EXIT 0
@COLUMNS 3
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#1
000_251854af372bd607#2
000_251854af372bd607#3
000_251854af372bd607#4
000_251854af372bd607#5
000_251854af372bd607#6
000_251854af372bd607#7
001_bddc4086102f42a0#0
001_bddc4086102f42a0#1
001_bddc4086102f42a0#2
001_bddc4086102f42a0#3
001_bddc4086102f42a0#4
001_bddc4086102f42a0#5
001_bddc4086102f42a0#6
@RUN

# a date filter restricts a ranked query
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- party date:2019..
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
001_bddc4086102f42a0#0
001_bddc4086102f42a0#1
001_bddc4086102f42a0#2
001_bddc4086102f42a0#3
001_bddc4086102f42a0#4
001_bddc4086102f42a0#5
002_1f1585d510dcca08#3
002_1f1585d510dcca08#6
@RUN

# two date filters are ORed
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- party date:2018 date:2021
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#1
002_1f1585d510dcca08#3
002_1f1585d510dcca08#6
@RUN

# article:ID restricts to one article
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- article:002_1f1585d510dcca08 party
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
002_1f1585d510dcca08#3
002_1f1585d510dcca08#6
@RUN

# a hyphenated word is a phrase of its parts
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- mandal-level
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#3
@RUN

# 300000 matches 300,000
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- 300000
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#2
@RUN
