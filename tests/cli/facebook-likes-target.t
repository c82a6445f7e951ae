# The README's example: the 300,000-likes paragraph of 000_251854af372bd607 ranks first,
# with its date, passage ordinal and the three query words highlighted.
@ARGS --db @INDEX@ --color always --no-scores -n 1 Facebook likes target
@EXIT 0
@STDOUT-HAS 000_251854af372bd607
@STDOUT-HAS 2018-03-26  ¶0
@STDOUT-HAS 300,000 [1;31mlikes[0m on their [1;31mFacebook[0m page
@STDOUT-HAS if the [1;31mtarget[0m is achieved
