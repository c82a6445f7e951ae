# Counts on the command line and at the prompt follow one rule: decimal digits only (no sign,
# no white space), within the range the message names; flags that refuse 0 say so.

@ARGS --db @INDEX@ --limit 0 facebook
@EXIT 2
@STDERR
trawl-search: invalid --limit '0': expected a number from 1 to 10000
@RUN
@ARGS --db @INDEX@ --limit +5 facebook
@EXIT 2
@STDERR
trawl-search: invalid --limit '+5': expected a number from 1 to 10000
@RUN
@ARGS --db @INDEX@ --limit ' 5' facebook
@EXIT 2
@STDERR-HAS invalid --limit ' 5'
@RUN
@ARGS --db @INDEX@ --offset -0 facebook
@EXIT 2
@STDERR-HAS invalid --offset '-0'
@RUN
@ARGS --db @INDEX@ --passages-per-article 0 facebook
@EXIT 2
@STDERR-HAS expected a number from 1 to 10000
@RUN

# 0 where 0 means something: no offset, no context, whole passages
@ARGS --db @INDEX@ --offset 0 -C 0 --width 0 --trec t -n 1 facebook
@EXIT 0
@RUN
