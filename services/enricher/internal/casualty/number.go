package casualty

import "strings"

// Qualifiers, as events.Casualty.Qualifier spells them.
const (
	qExact    = "exact"
	qAtLeast  = "at_least"
	qMoreThan = "more_than"
	qUpTo     = "up_to"
	qAbout    = "about"
	qNearly   = "nearly"
	qVague    = "vague"
)

// vagueMax is the upper bound of each vague quantity, whose lower bound is
// the lexicon value ("dozens" is 24 to 99).
var vagueMax = map[string]float64{"dozens": 99, "scores": 99, "hundreds": 999, "thousands": 9999, "millions": 9.99e6, "lakhs": 9.99e5, "crores": 9.99e7}

// number parses the quantity starting at token i (before hi): digits with an
// optional multiplier ("1.5 lakh"), number words ("twenty-two", "a dozen",
// "one hundred and fifty") or a vague quantity ("dozens of"). It returns the
// value, the upper bound for a vague quantity (0 otherwise) and the index
// after the quantity.
func (s *state) number(i, hi int) (v, vmax float64, end int, ok bool) {
	t := s.toks[i]
	if t.kind == tNum {
		v, end = numValue(s.text[t.start:t.end]), i+1
		if end < hi && s.flags(end)&fMult != 0 {
			v *= s.entry(end).num
			end++
		}
		if v != float64(int64(v)) || v > 1e9 {
			return 0, 0, 0, false
		}
		return v, 0, end, true
	}
	if t.kind != tWord {
		return 0, 0, 0, false
	}
	f := s.flags(i)
	if f&fVague != 0 {
		w := s.entry(i).word
		v, vmax, end = s.entry(i).num, vagueMax[w], i+1
		if w == "tens" || w == "hundreds" || w == "lakhs" {
			// "tens of thousands", "hundreds of thousands", "lakhs of".
			if end+1 < hi && s.word(end) == "of" && s.flags(end+1)&fVague != 0 && s.word(end+1) == "thousands" {
				v, vmax, end = v*1000, vmax*1000+999, end+2
				if w == "tens" {
					vmax = 99999
				}
			} else if w == "tens" {
				return 0, 0, 0, false
			}
		}
		if v == 0 {
			return 0, 0, 0, false
		}
		if end < hi && s.word(end) == "of" {
			end++
		}
		return v, vmax, end, true
	}
	total, cur, seen := 0.0, 0.0, false
	j := i
	if w := s.word(j); (w == "a" || w == "an") && j+1 < hi && s.flags(j+1)&(fMult|fDozen) != 0 {
		cur, seen = 1, true
		j++
	}
	for j < hi && s.toks[j].kind == tWord {
		f := s.flags(j)
		e := s.entry(j)
		switch {
		case f&fNum != 0:
			if c := int64(cur); c != 0 && (c%100 != 0 && c%100 < 20 || c%10 != 0) {
				goto done // "five six" is not one number
			}
			cur += e.num
		case f&fDozen != 0:
			if cur == 0 {
				cur = 1
			}
			cur *= 12
		case f&fMult != 0:
			if !seen {
				goto done
			}
			if cur == 0 {
				cur = 1
			}
			if e.num == 100 {
				cur *= 100
			} else {
				total += cur * e.num
				cur = 0
			}
		case e.word == "and" && seen && j+1 < hi && s.flags(j+1)&fNum != 0 && (cur >= 100 || total > 0):
			// "one hundred and fifty"
		case e.word == "" && strings.IndexByte(s.text[t.start:t.end], '-') > 0 && j == i:
			n, ok := s.hyphenNumber(j)
			if !ok {
				goto done
			}
			cur += n
		default:
			goto done
		}
		seen = true
		j++
	}
done:
	if !seen || j == i {
		return 0, 0, 0, false
	}
	return total + cur, 0, j, true
}

// hyphenNumber reads a hyphenated number word: "twenty-two".
func (s *state) hyphenNumber(j int) (float64, bool) {
	t := s.toks[j]
	w := s.text[t.start:t.end]
	sum := 0.0
	for part := range strings.SplitSeq(w, "-") {
		k := s.x.lookup(part)
		if k < 0 || s.entries[k].flags&fNum == 0 {
			return 0, false
		}
		sum += s.entries[k].num
	}
	return sum, true
}

// qualifier reads the hedge before the number at token n, returning its name
// and first token.
func (s *state) qualifier(n, lo int) (string, int) {
	w1, w2, w3 := s.wordBack(n-1, lo), s.wordBack(n-2, lo), s.wordBack(n-3, lo)
	switch {
	case w3 == "as" && w2 == "many" && w1 == "as":
		return qUpTo, n - 3
	case w2 == "at" && w1 == "least":
		return qAtLeast, n - 2
	case w2 == "at" && w1 == "most", w2 == "up" && w1 == "to", (w2 == "less" || w2 == "fewer") && w1 == "than":
		return qUpTo, n - 2
	case (w2 == "more" || w2 == "over") && w1 == "than":
		return qMoreThan, n - 2
	case w2 == "close" && w1 == "to":
		return qNearly, n - 2
	case w2 == "an" && w1 == "estimated":
		return qAbout, n - 2
	}
	switch w1 {
	case "over", "above":
		return qMoreThan, n - 1
	case "about", "around", "approximately", "approx", "roughly", "some", "estimated":
		return qAbout, n - 1
	case "nearly", "almost":
		return qNearly, n - 1
	case "under":
		return qUpTo, n - 1
	}
	return qExact, n
}

// bounds turns a value and its hedge into count, min and max.
func bounds(v, vmax float64, qual string) (count, lo, hi int) {
	n := int(v)
	if vmax > 0 && qual == qExact {
		return n, n, int(vmax)
	}
	switch qual {
	case qUpTo:
		return n, 0, n
	case qAbout:
		return n, int(v * 0.9), int(v*1.1 + 0.5)
	case qNearly:
		return n, int(v * 0.9), n
	}
	if vmax > 0 {
		return n, n, int(vmax)
	}
	return n, n, n
}
