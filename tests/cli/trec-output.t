# TREC run format: qid Q0 docid rank score tag, one article per line by default
@ARGS --db @INDEX@ --trec myrun -n 3 social media
@EXIT 0
@STDOUT-HAS 1 Q0 001_bddc4086102f42a0 1 
@STDOUT-HAS  myrun
@STDOUT-LACKS #
