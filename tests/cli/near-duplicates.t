# A story republished with a new headline folds into the better ranked copy; a different
# story on the same subject does not; --duplicates shows every article; JSON lists the ids
@CORPUS tests/data/dups
@ARGS --db @INDEX@ --no-scores --color never --width 60 central bank lending rate
@EXIT 0
@STDERR-EMPTY
@STDOUT
  1. rate-hold  2024-02-06  ¶0
     Freedonia holds lending rate
     The central bank of Freedonia left its main lending rate…
     (+1 more matching passage in this article)

  2. rate-rise  2024-03-05  ¶0
     Freedonia raises lending rate
     The central bank of Freedonia raised its main lending rate…
     (+2 more matching passages in this article)
     (+1 near-duplicate: rate-rise-repeat)
@RUN

@ARGS --db @INDEX@ --no-scores --trec t --duplicates central bank lending rate
@EXIT 0
@COLUMNS 3,4
@STDOUT
rate-hold 1
rate-rise 2
rate-rise-repeat 3
@RUN

# pages count groups
@ARGS --db @INDEX@ --no-scores --trec t -n 1 --offset 1 central bank lending rate
@EXIT 0
@COLUMNS 3,4
@STDOUT
rate-rise 2
@RUN

@ARGS --db @INDEX@ --no-scores --json central bank lending rate
@EXIT 0
@STDOUT-HAS "article":"rate-hold"
@STDOUT-HAS "more":1,"duplicates":[]}
@STDOUT-HAS "more":2,"duplicates":["rate-rise-repeat"]}
@RUN

# Issue 23: a copy whose signature is 5 bits away (one word changed: more than 3 bits) folds,
# since its body shares over 90% of its 3-word shingles (0.94); the next year's story, 8
# bits away with other figures (0.82 shared), does not
@ARGS --db @INDEX@ --no-scores --color never --width 60 gold mine strike
@EXIT 0
@STDERR-EMPTY
@STDOUT
  1. strike-end  1987-06-01  ¶0
     Northridge gold workers end strike
     Workers at the two Granite Falls gold mines of Northridge…
     (+1 near-duplicate: strike-end-repeat)

  2. strike-end-1988  1988-06-06  ¶0
     Northridge gold workers end strike
     Workers at the two Granite Falls gold mines of Northridge…
