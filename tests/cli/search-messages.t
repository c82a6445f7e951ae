# trawl-search's own voice (issue 23, item 6): a bad flag is reported as trawl-index reports
# it, starting with the program's name (not getopt's argv[0], a full path).
@ARGS --frob oil
@EXIT 2
@STDERR
trawl-search: unknown option '--frob'
Try 'trawl-search --help' for more information.
@RUN
@ARGS -x oil
@EXIT 2
@STDERR
trawl-search: unknown option '-x'
Try 'trawl-search --help' for more information.
@RUN
@ARGS -ax oil
@EXIT 2
@STDERR
trawl-search: unknown option '-x'
Try 'trawl-search --help' for more information.
@RUN
@ARGS --no-scores -ax oil
@EXIT 2
@STDERR
trawl-search: unknown option '-x'
Try 'trawl-search --help' for more information.
@RUN
@ARGS --limit
@EXIT 2
@STDERR
trawl-search: option '--limit' needs a value
Try 'trawl-search --help' for more information.
@RUN
@ARGS -n
@EXIT 2
@STDERR
trawl-search: option '-n' needs a value
Try 'trawl-search --help' for more information.
@RUN
@ARGS --stats=yes
@EXIT 2
@STDERR
trawl-search: option '--stats' takes no value
Try 'trawl-search --help' for more information.
@RUN
# getopt takes an unambiguous prefix (--lim is --limit); --co could be three options
@ARGS --co always oil
@EXIT 2
@STDERR
trawl-search: option '--co' is ambiguous
Try 'trawl-search --help' for more information.
@RUN

# a plain file given as the index (issue 23, item 5): what trawl-index says of it, not
# "damaged" with advice to rebuild that trawl-index would then refuse
@ARGS --db @CORPUS@/000_251854af372bd607.txt oil
@EXIT 2
@STDERR-HAS trawl-search: '
@STDERR-HAS 000_251854af372bd607.txt' is not a trawl index: an index is a folder
@RUN
@ARGS --stats --db @CORPUS@/000_251854af372bd607.txt
@EXIT 2
@STDERR-HAS 000_251854af372bd607.txt' is not a trawl index: an index is a folder
@RUN
