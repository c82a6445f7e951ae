# source:NAME filters like date: and article: — the name's words, case and spacing aside;
# two sources are ORed, a source and a date ANDed; -source: excludes; quotes for spaces
@CORPUS tests/data/news
@ARGS --db @INDEX@ --no-scores --color never --width 40 'oil source:"EXAMPLE times"'
@EXIT 0
@STDERR-EMPTY
@STDOUT
  1. news-1  2024-05-02  ¶0
     Oil prices rise as producers meet
     Example Times · https://example.com/news/1
     Oil prices rose on Thursday as producers…

  2. news-4  2024-05-05  ¶0
     Shipping rates fall
     example TIMES
     …rates fell for a third week as oil…
@RUN

# a filter alone; two sources ORed
@ARGS --db @INDEX@ --no-scores --trec t 'source:"Example Times" source:"daily planet"'
@EXIT 0
@SORTED
@COLUMNS 3
@STDOUT
news-1
news-2
news-4
@RUN

# different fields ANDed
@ARGS --db @INDEX@ --no-scores --trec t 'source:"example times" date:2024-05-05'
@EXIT 0
@COLUMNS 3
@STDOUT
news-4
@RUN

# excluded
@ARGS --db @INDEX@ --no-scores --trec t -- 'oil -source:"example times"'
@EXIT 0
@SORTED
@COLUMNS 3
@STDOUT
news-2
news-3
@RUN

# every word of the name, not some of them
@ARGS --db @INDEX@ --no-scores source:planet
@EXIT 1
@STDOUT
no passage matches 'source:planet'
@RUN

@ARGS --db @INDEX@ --no-scores oil source:
@EXIT 2
@STDERR-HAS needs a source name
