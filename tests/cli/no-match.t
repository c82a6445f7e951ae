# nothing matches: exit 1 and say so
@ARGS --db @INDEX@ --no-scores zebrafish
@EXIT 1
@STDOUT
no passage matches 'zebrafish'
