# --json: one object per hit, then a summary object
@ARGS --db @INDEX@ --json -n 2 Facebook likes target
@EXIT 0
@STDOUT-HAS {"version":1,"qid":"1","rank":1,
@STDOUT-HAS "article":"000_251854af372bd607"
@STDOUT-HAS "summary":true
@STDOUT-HAS "hits":2
