# --all-passages ranks passages as answers, each scored 0.7 x its own BM25 + 0.3 x its
# article's (issue #13; README "Ranking"): of two passages that match alike, the one whose
# article is about the query comes first. tests/data/passage-article: ¶0 of "a-toys" and ¶0 of
# "b-mission" each say "rover landing" once (a-toys' is a term shorter, so it scores a little
# higher alone); b-mission's ¶1 says both words three times more, a-toys' ¶1 neither.
@CORPUS tests/data/passage-article

# fused: b-mission's two passages first, a-toys' ¶0 after
@ARGS --db @INDEX@ --no-scores --width 0 --color never --all-passages --trec-passages --trec t rover landing
@EXIT 0
@COLUMNS 3
@STDOUT
b-mission#1
b-mission#0
a-toys#0
@RUN

# palpha=1 (or depth=0) ranks passages by their own score alone: a-toys' ¶0 before b-mission's
@ARGS --db @INDEX@ --no-scores --width 0 --color never --all-passages --artrank palpha=1 --trec-passages --trec t rover landing
@EXIT 0
@COLUMNS 3
@STDOUT
b-mission#1
a-toys#0
b-mission#0
@RUN

@ARGS --db @INDEX@ --no-scores --width 0 --color never --all-passages --artrank depth=0 --trec-passages --trec t rover landing
@EXIT 0
@COLUMNS 3
@STDOUT
b-mission#1
a-toys#0
b-mission#0
@RUN

# --explain shows the hit's own passage part, its article's part and the fusion
@ARGS --db @INDEX@ --explain -n 3 --width 60 --color never --all-passages rover landing
@EXIT 0
@STDERR-EMPTY
@STDOUT-HAS     passage part (¶0; tf: own text + title):
@STDOUT-HAS     article part: BM25 k1=2.5 b=0.75, article length 70 terms
@STDOUT-HAS     score: 0.7 x passage part 0.3902 + 0.3 x article part 0.1949 = 0.3316
@RUN

# an out-of-range weight is an error
@ARGS --db @INDEX@ --all-passages --artrank palpha=1.5 rover
@EXIT 2
@STDERR-HAS invalid --artrank 'palpha=1.5'
@RUN
