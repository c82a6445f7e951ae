# --explain: each query term's BM25 contribution (tf, df, idf, weight) under each hit, for the
# article's best passage (tf: its own text + what the title adds) and for the whole article,
# and how the two parts fuse into the score (alpha x passage part + (1 - alpha) x article part). The numbers themselves (the sum equals the score, each weight
# follows BM25) are checked by json_check.py on --json --explain; here, the human layout.

# the README's example: the three terms of the top passage, with the parameters used
@ARGS --db @INDEX@ --explain -n 1 --width 60 --color never --k1 1.2 --b 0.75 Facebook likes target
@EXIT 0
@STDERR-EMPTY
@STDOUT-HAS     explain: BM25 k1=1.2 b=0.75, passage length 
@STDOUT-HAS  N=22 passages
@STDOUT-HAS       facebook             tf=
@STDOUT-HAS       like                 tf=
@STDOUT-HAS       target               tf=
@STDOUT-HAS                            sum of weights 
@STDOUT-HAS     article part: BM25 k1=2.5 b=0.75, article length 
@STDOUT-HAS  N=3 articles
@STDOUT-HAS     score: 0.3 x passage part 
@RUN

# --k1 and --b are reported as given
@ARGS --db @INDEX@ --explain -n 1 --width 60 --color never --k1 2 --b 0.3 Facebook likes target
@EXIT 0
@STDOUT-HAS     explain: BM25 k1=2 b=0.3, passage length 
@RUN

# the defaults: k1 2.5 where passages stand for their articles, 1.2 where every passage is
# ranked as an answer on its own (--all-passages); --k1 and --b given apply to both
@ARGS --db @INDEX@ --explain -n 1 --width 60 --color never Facebook likes target
@EXIT 0
@STDOUT-HAS     explain: BM25 k1=2.5 b=0.75, passage length 
@RUN

@ARGS --db @INDEX@ --explain -n 1 --width 60 --color never --all-passages Facebook likes target
@EXIT 0
@STDOUT-HAS     explain: BM25 k1=1.2 b=0.75, passage length 
@RUN

@ARGS --db @INDEX@ --explain -n 1 --width 60 --color never --all-passages --k1 2 --b 0.3 Facebook likes target
@EXIT 0
@STDOUT-HAS     explain: BM25 k1=2 b=0.3, passage length 
@RUN

# a term the passage lacks contributes nothing: "xylophone" (stem "xylophon") is in no passage
@ARGS --db @INDEX@ --explain -n 1 --width 60 --color never Facebook xylophone
@EXIT 0
@STDOUT-HAS       xylophon             tf=0+0   df=0      idf=0.0000  weight=0.0000
@STDOUT-HAS       xylophon             tf=0     df=0      idf=0.0000  weight=0.0000
@RUN

# a term absent from the passage still has its idf: "target" is in other passages
@ARGS --db @INDEX@ --explain -n 2 --width 60 --color never Facebook likes target
@EXIT 0
@STDOUT-HAS       target               tf=0+0   df=3      idf=1.7177  weight=0.0000
@RUN

# a wildcard is explained as one term, its expansions weighted together
@ARGS --db @INDEX@ --explain -n 1 --width 60 --color never 'face*'
@EXIT 0
@STDERR-EMPTY
@STDOUT-HAS       face*                tf=0+0   df=0      idf=0.0000  weight=
@RUN
