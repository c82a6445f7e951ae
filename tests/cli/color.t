# --color WHEN: "always" colours even into a pipe (as here) and whatever NO_COLOR says: the
# matched words bold red, the article id magenta; "never" and "auto" into a pipe colour
# nothing; a bad WHEN is an error. On a terminal (auto, NO_COLOR): tests/cli/color_test.py.

# always: the marks and the id are coloured
@ARGS --db @INDEX@ --no-scores -n 1 --color always Facebook likes target
@EXIT 0
@STDOUT-HAS [35m000_251854af372bd607[0m
@STDOUT-HAS 300,000 [1;31mlikes[0m on their [1;31mFacebook[0m page
@RUN

# NO_COLOR only turns "auto" off: "always" still colours
@ENV NO_COLOR=1
@ARGS --db @INDEX@ --no-scores -n 1 --color always Facebook likes target
@EXIT 0
@STDOUT-HAS 300,000 [1;31mlikes[0m on their [1;31mFacebook[0m page
@RUN

# --colour is the same flag, and WHEN may follow "="
@ARGS --db @INDEX@ --no-scores -n 1 --colour=always Facebook likes target
@EXIT 0
@STDOUT-HAS 300,000 [1;31mlikes[0m on their [1;31mFacebook[0m page
@RUN

# never: not one escape sequence, the same text
@ARGS --db @INDEX@ --no-scores -n 1 --color=never Facebook likes target
@EXIT 0
@STDOUT-LACKS 
@STDOUT-HAS 300,000 likes on their Facebook page
@RUN

# auto (the default) into a pipe: none either
@ARGS --db @INDEX@ --no-scores -n 1 Facebook likes target
@EXIT 0
@STDOUT-LACKS 
@STDOUT-HAS 300,000 likes on their Facebook page
@RUN

# a WHEN that is none of the three: exit 2, one line, nothing searched
@ARGS --db @INDEX@ --color sometimes Facebook
@EXIT 2
@STDOUT
@STDERR
trawl-search: invalid --color 'sometimes': expected auto, always or never
