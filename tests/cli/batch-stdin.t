# queries on standard input, one per line, with or without a qid
@ARGS --db @INDEX@ --trec t -n 1
@STDIN
q1	Facebook likes target
social media workshop
@EXIT 0
@STDOUT-HAS q1 Q0 000_251854af372bd607 1
@STDOUT-HAS 2 Q0 002_1f1585d510dcca08 1
@RUN

# a bad query names its qid and line; the others still run, and the exit status is 2
@ARGS --db @INDEX@ --trec t -n 1
@STDIN
q1	Facebook likes target

# a comment
q7	likes "target
bad (
@EXIT 2
@STDOUT-HAS q1 Q0 000_251854af372bd607 1
@STDERR
trawl-search: query q7 (line 4): error in query 'likes "target' at column 7: unbalanced '"': the quote is never closed
trawl-search: query 5 (line 5): error in query 'bad (' at column 5: unbalanced '(': the parenthesis is never closed
