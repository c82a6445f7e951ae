# queries on standard input, one per line, with or without a qid
@ARGS --db @INDEX@ --trec t -n 1
@STDIN
q1	Facebook likes target
social media workshop
@EXIT 0
@STDOUT-HAS q1 Q0 000_251854af372bd607 1
@STDOUT-HAS 2 Q0 002_1f1585d510dcca08 1
