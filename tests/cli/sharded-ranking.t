# Article ranking on a sharded index ranks as on a single one: an article's passages are
# consecutive docids of one shard, which Xapian interleaves with the other shards' (the article
# numbering once counted a run again after another shard's document: df 4 of 3 articles, a
# negative idf, and 000 first).
@PROGRAM index
@ARGS --db @TMP@/sharded.db -q --shards 2 @CORPUS@
@EXIT 0
@RUN

@PROGRAM search
@ARGS --db @TMP@/sharded.db --no-scores --width 60 --color never party
@EXIT 0
@STDERR-EMPTY
@STDOUT
  1. 001_bddc4086102f42a0  2019-01-05  ¶0
     NEW DELHI: After outperforming the Bharatiya Janata Party…
     (+5 more matching passages in this article)

  2. 000_251854af372bd607  2018-03-26  ¶1
     Prime Minister Narendra Modi has asked each Bharatiya Janata Party (BJP) MP to get at least 300,000 likes on their Facebook page, and offered to hold a live…
     …was set on Friday in a dinner meeting that Modi and party…
     (+1 more matching passage in this article)

  3. 002_1f1585d510dcca08  2021-11-24  ¶3
     The government has been facing tough challenges from its opponents on different social media platforms, including Twitter, Facebook and Instagram among others.
     …are still a large force on all digital forums, but parties…
     (+1 more matching passage in this article)
@RUN

# the article part's idf is the single index's: 'parti' is in 3 articles of 3
@ARGS --db @TMP@/sharded.db --explain -n 1 --width 60 --color never party
@EXIT 0
@STDOUT-HAS       parti                tf=10    df=3      idf=0.0690  weight=0.1910
@RUN

# and 'facebook' is in 2 of them
@ARGS --db @TMP@/sharded.db --explain -n 1 --width 60 --color never Facebook likes target
@EXIT 0
@STDOUT-HAS       facebook             tf=3     df=2      idf=0.2624  weight=0.5118
@RUN
