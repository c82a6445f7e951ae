# --help of both programs (usage and exit statuses), a bad flag pointing to --help, and a
# count out of range refused with exit 2
@ARGS --help
@EXIT 0
@STDOUT-HAS Usage: trawl-search [OPTION]... [--] [QUERY]...
@STDOUT-HAS Exit status: 0 something matched, 1 nothing matched, 2 error.
@RUN
@PROGRAM index
@ARGS --help
@EXIT 0
@STDOUT-HAS Usage: trawl-index [OPTION]... [PATH]...
@RUN
@PROGRAM search
@ARGS --no-such-flag
@EXIT 2
@STDERR-HAS Try 'trawl-search --help'
@RUN
@ARGS --db @INDEX@ -n 0 likes
@EXIT 2
@STDERR-HAS invalid --limit '0'
