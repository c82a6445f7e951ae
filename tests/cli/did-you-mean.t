# A query word that is not in the index gets the nearest indexed spelling (Xapian's spelling
# data, written by the indexer), said above the results.

# 'Analytica' is not in the corpus; 'Analytics' is, in 000's passage 5
@ARGS --db @INDEX@ --no-scores --width 60 --color never -n 1 Cambridge Analytica
@EXIT 0
@STDERR-EMPTY
@STDOUT
'analytica' is not in the index; did you mean 'analytics'?
  1. 000_251854af372bd607  2018-03-26  ¶5
     Prime Minister Narendra Modi has asked each Bharatiya Janata Party (BJP) MP to get at least 300,000 likes on their Facebook page, and offered to hold a live…
     …breach of FB data by election management company Cambridge…
@RUN

# one line per unknown word; words known to the index get none
@ARGS --db @INDEX@ --no-scores --width 60 --color never -n 1 facebok likes targat
@EXIT 0
@STDERR-EMPTY
@STDOUT
'facebok' is not in the index; did you mean 'facebook'?
'targat' is not in the index; did you mean 'target'?
  1. 000_251854af372bd607  2018-03-26  ¶3
     Prime Minister Narendra Modi has asked each Bharatiya Janata Party (BJP) MP to get at least 300,000 likes on their Facebook page, and offered to hold a live…
     …of anonymity. “He was particular that these likes should…
     (+2 more matching passages in this article)
@RUN

# no suggestion when nothing is close enough: only the no-match line
@ARGS --db @INDEX@ --no-scores xylophone
@EXIT 1
@STDERR-EMPTY
@STDOUT
no passage matches 'xylophone'
@RUN
@RUN

# nothing found with a suggestion: the command to run instead, words replaced
@ENV TRAWL_DB=@INDEX@
@ARGS --no-scores '+facebok +targat'
@EXIT 1
@STDERR-EMPTY
@STDOUT
'facebok' is not in the index; did you mean 'facebook'?
'targat' is not in the index; did you mean 'target'?
no passage matches '+facebok +targat'
did you mean: trawl-search '+facebook +target'
@RUN

# words found where the query says them, whatever their letters: a misspelt word with an
# accent ('Facébok' folds to 'facebok') and one glued to an accented word by a dash are
# replaced; the accented word beside them stays as typed
@ENV TRAWL_DB=@INDEX@
@ARGS --no-scores '+Facébok +targat—Modí'
@EXIT 1
@STDERR-EMPTY
@STDOUT
'facebok' is not in the index; did you mean 'facebook'?
'targat' is not in the index; did you mean 'target'?
no passage matches '+Facébok +targat—Modí'
did you mean: trawl-search '+facebook +target—Modí'
@RUN

# only words are replaced, not a filter's value nor a wildcard: every occurrence of the
# word, an excluded one and one inside a phrase too
@ENV TRAWL_DB=@INDEX@
@ARGS --no-scores 'targat -targat "targat likes" source:targat targat*'
@EXIT 1
@STDOUT-HAS did you mean: trawl-search 'target -target "target likes" source:targat targat*'
