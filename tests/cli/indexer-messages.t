# trawl-index's own voice (issue 15, item 14): every error starts with the program's name
# (not getopt's argv[0], a full path), says what is wrong and where to look.
@PROGRAM index
@ARGS --bogus
@EXIT 2
@STDERR
trawl-index: unknown option '--bogus'
Try 'trawl-index --help' for more information.
@RUN
@PROGRAM index
@ARGS -nx @CORPUS@
@EXIT 2
@STDERR
trawl-index: unknown option '-x'
Try 'trawl-index --help' for more information.
@RUN
# a short option inside a cluster after a long one is still the short one
@PROGRAM index
@ARGS --quiet -xq @CORPUS@
@EXIT 2
@STDERR
trawl-index: unknown option '-x'
Try 'trawl-index --help' for more information.
@RUN
@PROGRAM index
@ARGS --max 5 @CORPUS@
@EXIT 2
@STDERR
trawl-index: option '--max' is ambiguous
Try 'trawl-index --help' for more information.
@RUN
@PROGRAM index
@ARGS --db
@EXIT 2
@STDERR
trawl-index: option '--db' needs a value
Try 'trawl-index --help' for more information.
@RUN
@PROGRAM index
@ARGS --rebuild=yes @CORPUS@
@EXIT 2
@STDERR-HAS trawl-index: option '--rebuild' takes no value
@RUN

# an unknown language lists the known ones
@PROGRAM index
@ARGS --lang klingon --db @TMP@/k.db @CORPUS@
@EXIT 2
@STDERR-HAS trawl-index: unknown stemmer language 'klingon'; known:
@STDERR-HAS english
@STDERR-HAS yiddish
@STDERR-HAS and none (no stemming)
@RUN

# --db naming a file: not an index (an index is a folder), not Xapian's "Bad line"
@PROGRAM index
@ARGS --stats --db @CORPUS@/000_251854af372bd607.txt
@EXIT 2
@STDERR-HAS 000_251854af372bd607.txt' is not a trawl index: an index is a folder
@RUN
@PROGRAM index
@ARGS --dry-run --db @CORPUS@/000_251854af372bd607.txt @CORPUS@
@EXIT 2
@STDERR-HAS is not a trawl index: an index is a folder
@RUN

# a dry run counts the passages it would write: those of a real run (corpus/: 22)
@PROGRAM index
@ARGS --dry-run --db @TMP@/new.db @CORPUS@
@EXIT 0
@STDOUT-HAS dry run: would have added 3, updated 0, removed 0, unchanged 0, skipped 0 (passages 22) in
