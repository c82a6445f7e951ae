# -C N: the N passages before and after each hit, from the same article, trimmed and
# highlighted like the hit; fewer at the article's start.

# -C 1 around passage 5 of 001: passages 4 and 6
@ARGS --db @INDEX@ --no-scores --width 80 --color never -C 1 talaq
@EXIT 0
@STDERR-EMPTY
@STDOUT
  1. 001_bddc4086102f42a0  2019-01-05  ¶5
     NEW DELHI: After outperforming the Bharatiya Janata Party (BJP) in the recently concluded Assembly polls in Madhya Pradesh (MP), Rajasthan and Chhattisgarh…
     ¶4 “The minority cell needs to propagate the ideals and philosophy of the party and…
     …also asked by senior leaders to propagate the Congress’ stand on triple talaq…
     ¶6 After the 2014 general elections, the role of social media seems to have…
@RUN

# -C 2 around passage 0: nothing before it, passages 1 and 2 after
@ARGS --db @INDEX@ --no-scores --width 60 --color never -C 2 -n 1 '"live video call"'
@EXIT 0
@STDERR-EMPTY
@STDOUT
  1. 000_251854af372bd607  2018-03-26  ¶0
     …their Facebook page, and offered to hold a live video call…
     ¶1 The target was set on Friday in a dinner meeting that Modi…
     ¶2 A BJP MP who attended the meeting said the Prime Minister…
     (+1 more matching passage in this article)
@RUN
