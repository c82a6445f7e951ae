# TREC run format: qid Q0 docid rank score tag, one article per line by default (the docids,
# ranks and scores are checked against --json by json_check.py)
@ARGS --db @INDEX@ --trec myrun -n 3 social media
@EXIT 0
@COLUMNS 1,2,4,6
@STDOUT
1 Q0 1 myrun
1 Q0 2 myrun
1 Q0 3 myrun
@RUN
@ARGS --db @INDEX@ --trec myrun -n 3 social media
@EXIT 0
@STDOUT-HAS  Q0 001_bddc4086102f42a0 
@STDOUT-HAS  Q0 002_1f1585d510dcca08 
@STDOUT-HAS  Q0 000_251854af372bd607 
@STDOUT-LACKS #
@RUN
# --trec-passages: docids are passages
@ARGS --db @INDEX@ --trec myrun --trec-passages -n 3 --all-passages '"live video call"'
@EXIT 0
@COLUMNS 3
@SORTED
@STDOUT
000_251854af372bd607#0
000_251854af372bd607#3
@RUN
