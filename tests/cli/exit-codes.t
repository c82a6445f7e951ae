# Exit status: 0 something matched, 1 nothing matched, 2 any error (grep's convention).

# 0: a match
@ARGS --db @INDEX@ --trec t -n 1 facebook
@EXIT 0
@RUN

# 1: no match, in every output format
@ARGS --db @INDEX@ --trec t zebrafish
@EXIT 1
@STDOUT
@STDERR-EMPTY
@RUN
@ARGS --db @INDEX@ --json --no-scores zebrafish
@EXIT 1
@STDOUT
{"version":1,"summary":true,"qid":"1","query":"zebrafish","offset":0,"hits":0,"estimated":0,"exact":true,"sort":"score","suggestions":[]}
@RUN

# 1: a query whose words are all nothing searchable (punctuation) matches nothing
@ARGS --db @INDEX@ --trec t -- '!! …'
@EXIT 1
@RUN

# 2: a bad query, a bad flag value, an unknown flag, a missing index, an unreadable batch file
@ARGS --db @INDEX@ -- '(facebook'
@EXIT 2
@RUN
@ARGS --db @INDEX@ --k1 -1 facebook
@EXIT 2
@STDERR-HAS invalid --k1 '-1'
@RUN
@ARGS --db @INDEX@ --b 1.5 facebook
@EXIT 2
@STDERR-HAS invalid --b '1.5'
@RUN
@ARGS --db @INDEX@ --color sometimes facebook
@EXIT 2
@STDERR-HAS invalid --color 'sometimes'
@RUN
@ARGS --db @INDEX@ --context x facebook
@EXIT 2
@STDERR-HAS invalid --context 'x'
@RUN
@ARGS --db @INDEX@ --offset -1 facebook
@EXIT 2
@STDERR-HAS invalid --offset '-1'
@RUN
@ARGS --db @INDEX@ --frobnicate facebook
@EXIT 2
@STDERR-HAS trawl-search: unknown option '--frobnicate'
@RUN
@ARGS --db @TMP@/none facebook
@EXIT 2
@STDERR-HAS no index at
@RUN
@ARGS --db @INDEX@ --batch @TMP@/no-such-file
@EXIT 2
@STDERR-HAS cannot open '
@RUN
@ARGS --db @INDEX@ --timings @TMP@/no/such/dir/t.tsv facebook
@EXIT 2
@STDERR-HAS cannot open '
@RUN

# '--' ends the options, so a query may start with '-'; options stop at the first word, so
# a later '-word' is part of the query (here: excluded)
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 -- -target facebook
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#2
000_251854af372bd607#5
002_1f1585d510dcca08#0
002_1f1585d510dcca08#2
@RUN
@ARGS --db @INDEX@ --trec t --trec-passages --all-passages -n 50 facebook -target
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#2
000_251854af372bd607#5
002_1f1585d510dcca08#0
002_1f1585d510dcca08#2
@RUN

# batch mode: every line runs; one bad query makes the exit status 2 but not the others fail
@ARGS --db @INDEX@ --trec t -n 1 --batch -
@STDIN
q1	facebook
q2	likes "target
q3	zebrafish
q4	twitter
@EXIT 2
@COLUMNS 1,3,4
@STDOUT
q1 002_1f1585d510dcca08 1
q4 002_1f1585d510dcca08 1
@STDERR
trawl-search: query q2 (line 2): error in query 'likes "target' at column 7: unbalanced '"': the quote is never closed
@RUN

# batch mode: no match anywhere is 1
@ARGS --db @INDEX@ --trec t --batch -
@STDIN
zebrafish
xylophone
@EXIT 1
@RUN

# --eval-answers without --queries is a usage error, not a search of standard input
@ARGS --db @INDEX@ --eval-answers @TMP@/answers.jsonl
@STDIN
facebook
@EXIT 2
@STDOUT
@STDERR
trawl-search: --eval-answers needs --queries FILE, and no --eval, --run, --compare or --sweep
@RUN
