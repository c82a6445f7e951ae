# url and source from JSON Lines: one line under the title ("source · url", or whichever
# the article has), none for an article with neither; JSON has both, null when absent
@CORPUS tests/data/news
@ARGS --db @INDEX@ --no-scores --color never oil
@EXIT 0
@STDERR-EMPTY
@STDOUT
  1. news-1  2024-05-02  ¶0
     Oil prices rise as producers meet
     Example Times · https://example.com/news/1
     Oil prices rose on Thursday as producers met in Vienna to discuss output cuts. Traders said the market expected a cut of about one million barrels a day.

  2. news-4  2024-05-05  ¶0
     Shipping rates fall
     example TIMES
     Tanker shipping rates fell for a third week as oil demand in Asia slowed, brokers said.

  3. news-3  2024-05-04  ¶0
     Refinery strike ends
     Workers at the coastal refinery ended their strike on Saturday after a pay deal, and oil deliveries resumed.

  4. news-2  2024-05-03  ¶0
     Wheat harvest beats forecasts
     Daily Planet · https://planet.example/wheat
     The wheat harvest beat forecasts in the plains this year, farmers said, as late rain helped the crop. Oil and fertiliser costs still weigh on the farms.
@RUN

@ARGS --db @INDEX@ --no-scores --json -n 1 wheat
@EXIT 0
@STDOUT-HAS "url":"https://planet.example/wheat","source":"Daily Planet"
@RUN

@ARGS --db @INDEX@ --no-scores --json -n 1 refinery
@EXIT 0
@STDOUT-HAS "url":null,"source":null
