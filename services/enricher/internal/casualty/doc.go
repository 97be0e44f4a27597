// Package casualty owns the extraction of casualty figures from English news
// text: how many were killed, injured, arrested, kidnapped, missing or
// displaced, with the qualifier, victim group and evidence span of each
// figure, and the per-article totals an analyst would quote.
//
// The extractor is a tokenizer plus a small rule machine over a lexicon of
// number words, cue verbs and victim nouns; it uses no regular expressions,
// reads only the sentences that hold a cue word (a word that heads a
// multi-word cue, "taken" or "moved", only with the rest of the cue at
// hand), finding them by a walk over the words of package word rather than
// the bytes, hashes plain words eight bytes at a time, and reuses its buffers, so
// that a 2-3 KB article costs tens of microseconds of one core. It binds a
// number to a cue in three shapes: a subject before a passive or
// intransitive cue ("20 people were killed", "seven dead"), an object after
// an active verb ("bomb kills 5, injures 20") and a toll ("toll rises to
// 171"). A singular victim noun counts as one ("policeman shot dead"), and
// so do a body found ("officer's body found in ...") and a life claimed
// ("violence claims another life"). Money, times, ages, years,
// hypotheticals ("could kill thousands") and non-person objects ("raided
// five offices") are rejected; negations ("no one was hurt") give a zero
// figure.
package casualty
