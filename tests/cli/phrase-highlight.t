# A quoted phrase highlights its occurrences only, never a lone word of it elsewhere: passage
# 2 of 002 says "social media" at bytes 44-49 and "media platforms" at 174-189; the query
# "media platforms" marks only the latter.
@ARGS --db @INDEX@ --json --no-scores --all-passages -- '"media platforms"' article:002_1f1585d510dcca08
@EXIT 0
@STDOUT-HAS "passage":2,"start":
@STDOUT-HAS "highlights":[[174,189]],"matched":["media","platform"]
@STDOUT-LACKS [44,49]
