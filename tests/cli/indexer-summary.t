# a fresh index of the sample corpus, then a re-run that changes nothing
@PROGRAM index
@ARGS --db @TMP@/fresh.db @CORPUS@
@EXIT 0
@STDOUT-HAS added 3, updated 0, removed 0, unchanged 0, skipped 0 (passages 22)
@STDOUT-LACKS ignored
@RUN
@PROGRAM index
@ARGS --db @TMP@/fresh.db @CORPUS@
@EXIT 0
@STDOUT-HAS added 0, updated 0, removed 0, unchanged 3, skipped 0 (passages 0)
