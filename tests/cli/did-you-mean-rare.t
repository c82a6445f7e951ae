# A word the index has, but over 100 times more rarely than a close word (a typo in the
# corpus), gets a suggestion too; the passages with the typo are still found
@CORPUS tests/data/spelling
@ARGS --db @INDEX@ --no-scores --width 60 --color never goverment
@EXIT 0
@STDERR-EMPTY
@STDOUT
'goverment' is rare in the index (1 time); did you mean 'government' (108 times)?
  1. typo  2024-01-10  ¶0
     Budget talks
     The goverment said on Monday that budget talks would resume…
@RUN

# nothing found: the command to run instead ($TRAWL_DB is the index, so no --db)
@ENV TRAWL_DB=@INDEX@
@ARGS --no-scores '+goverment +unions'
@EXIT 1
@STDERR-EMPTY
@STDOUT
'goverment' is rare in the index (1 time); did you mean 'government' (108 times)?
no passage matches '+goverment +unions'
did you mean: trawl-search '+government +unions'
@RUN

# with --db, the command names the index
@ARGS --db @INDEX@ --no-scores '+goverment +unions'
@EXIT 1
@STDOUT-HAS did you mean: trawl-search --db
@STDOUT-HAS '+government +unions'
@RUN

# JSON: the suggestion says it is a rare word, and how rare; the rewritten query
@ARGS --db @INDEX@ --no-scores --json '+goverment +unions'
@EXIT 1
@STDOUT-HAS "did_you_mean":"+government +unions"
@STDOUT-HAS {"word":"goverment","suggestion":"government","rare":true,"word_freq":1,"suggestion_freq":108}
@RUN

# the frequent word itself gets none
@ARGS --db @INDEX@ --no-scores --trec t -n 1 government
@EXIT 0
@STDOUT-LACKS did you mean
