# Collapsing on the article, and the human output format (--no-scores, --width 60).
# 'party' matches 2 passages of 000, 6 of 001 and 2 of 002 (--all-passages).

# By default each article shows its best passage once, with a note of how many more of its
# passages matched. Articles are ranked by their best passage fused with the whole article's
# BM25 (README "Ranking"; issue #13): 001 (Congress asking its party leaders to use social
# media) says "party" 10 times in 381 words, in 6 of its passages, and comes first; 000 (Modi
# asking BJP MPs for Facebook likes) has the best single passage but says it 4 times in 331
# words. Before article ranking 000 came first. 002 is third either way.
@ARGS --db @INDEX@ --no-scores --width 60 --color never party
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

# --passages-per-article 2: up to two passages per article; the note counts the rest
@ARGS --db @INDEX@ --no-scores --width 60 --color never --passages-per-article 2 party
@EXIT 0
@STDERR-EMPTY
@STDOUT
  1. 000_251854af372bd607  2018-03-26  ¶1
     Prime Minister Narendra Modi has asked each Bharatiya Janata Party (BJP) MP to get at least 300,000 likes on their Facebook page, and offered to hold a live…
     …was set on Friday in a dinner meeting that Modi and party…

  2. 001_bddc4086102f42a0  2019-01-05  ¶0
     NEW DELHI: After outperforming the Bharatiya Janata Party…
     (+4 more matching passages in this article)

  3. 001_bddc4086102f42a0  2019-01-05  ¶3
     NEW DELHI: After outperforming the Bharatiya Janata Party (BJP) in the recently concluded Assembly polls in Madhya Pradesh (MP), Rajasthan and Chhattisgarh…
     According to sources close to the party’s functioning, in…
     (+4 more matching passages in this article)

  4. 000_251854af372bd607  2018-03-26  ¶0
     …Minister Narendra Modi has asked each Bharatiya Janata Party…

  5. 002_1f1585d510dcca08  2021-11-24  ¶3
     The government has been facing tough challenges from its opponents on different social media platforms, including Twitter, Facebook and Instagram among others.
     …are still a large force on all digital forums, but parties…

  6. 002_1f1585d510dcca08  2021-11-24  ¶6
     The government has been facing tough challenges from its opponents on different social media platforms, including Twitter, Facebook and Instagram among others.
     …The party has completed its workers' training sessions in…
@RUN

# --all-passages: every matching passage, no notes (001, whose six passages say 'party', is
# the article most about it: its ¶0 comes before 000's ¶1, which scores higher alone)
@ARGS --db @INDEX@ --no-scores --width 60 --color never --all-passages -n 3 party
@EXIT 0
@STDERR-EMPTY
@STDOUT
  1. 001_bddc4086102f42a0  2019-01-05  ¶0
     NEW DELHI: After outperforming the Bharatiya Janata Party…

  2. 000_251854af372bd607  2018-03-26  ¶1
     Prime Minister Narendra Modi has asked each Bharatiya Janata Party (BJP) MP to get at least 300,000 likes on their Facebook page, and offered to hold a live…
     …was set on Friday in a dinner meeting that Modi and party…

  3. 001_bddc4086102f42a0  2019-01-05  ¶3
     NEW DELHI: After outperforming the Bharatiya Janata Party (BJP) in the recently concluded Assembly polls in Madhya Pradesh (MP), Rajasthan and Chhattisgarh…
     According to sources close to the party’s functioning, in…
@RUN

# paging: --offset keeps the ranks of the unpaged list, and the note is the same as unpaged
@ARGS --db @INDEX@ --no-scores --width 60 --color never -n 1 --offset 1 party
@EXIT 0
@STDERR-EMPTY
@STDOUT
  2. 000_251854af372bd607  2018-03-26  ¶1
     Prime Minister Narendra Modi has asked each Bharatiya Janata Party (BJP) MP to get at least 300,000 likes on their Facebook page, and offered to hold a live…
     …was set on Friday in a dinner meeting that Modi and party…
     (+1 more matching passage in this article)
@RUN

# an offset past the end of a query that matches: says so, with the count, exit 0
@ARGS --db @INDEX@ --no-scores --color never -n 1 --offset 3 party
@EXIT 0
@STDERR-EMPTY
@STDOUT
no more results (3 matching articles)
@RUN
@ARGS --db @INDEX@ --no-scores --color never --all-passages --offset 5000 party
@EXIT 0
@STDERR-EMPTY
@STDOUT
no more results (10 matching passages)
@RUN
# past the end of a query that matches nothing: no match, exit 1
@ARGS --db @INDEX@ --no-scores --color never --offset 5 zebrafish
@EXIT 1
@STDOUT
no passage matches 'zebrafish'
@RUN
