# NO_COLOR turns colour off even when stdout would get it; --color=never likewise
@ENV NO_COLOR=1
@ARGS --db @INDEX@ --no-scores -n 1 Facebook likes target
@EXIT 0
@STDOUT-LACKS [1;31m
@STDOUT-HAS 300,000 likes on their Facebook page
