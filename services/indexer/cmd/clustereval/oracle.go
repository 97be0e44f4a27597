package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/newsflow/newsflow/pkg/events"
	"github.com/newsflow/newsflow/services/indexer/internal/incident"
)

// readEnriched returns the `enricher extract` output by article id; failed
// lines are left out.
func readEnriched(path string) (map[string]events.EnrichedArticle, error) {
	if path == "" {
		return nil, errors.New("-enriched is required")
	}
	out := map[string]events.EnrichedArticle{}
	err := eachLine(path, func(line int, data []byte) error {
		var a struct {
			events.EnrichedArticle
			Error string `json:"error"`
		}
		if err := json.Unmarshal(data, &a); err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if a.Error == "" && a.ID != "" {
			out[a.ID] = a.EnrichedArticle
		}
		return nil
	})
	return out, err
}

// item is one headline in the evaluation: its record and what the
// clustering can see of it.
type item struct {
	id, rec, text, date string
}

func items(recs []record) []item {
	var out []item
	for _, r := range recs {
		orig := r.origins()
		for i, h := range r.headlines() {
			out = append(out, item{id: headlineID(r.ID, i+1), rec: r.ID, text: normalise(h), date: orig[i].date})
		}
	}
	return out
}

// pairCounts scores an assignment of items to clusters.
func pairCounts(its []item, cluster func(item) string) scores {
	var s scores
	byRec, byInc, both := map[string]int{}, map[string]int{}, map[[2]string]int{}
	for _, it := range its {
		c := cluster(it)
		byRec[it.rec]++
		byInc[c]++
		both[[2]string{it.rec, c}]++
	}
	pairs := func(n int) int { return n * (n - 1) / 2 }
	for _, n := range byRec {
		s.goldPairs += pairs(n)
	}
	for _, n := range byInc {
		s.predPairs += pairs(n)
	}
	for _, n := range both {
		s.truePairs += pairs(n)
	}
	s.headlines = len(its)
	return s
}

// ceiling reports what no clustering of these inputs can beat, and the
// toll estimator's accuracy when the clustering is perfect.
//
// Headlines with the same words and the same date are indistinguishable to
// any method that reads only the text and the date, yet some appear in
// several records (one wire story cited for two events, and byline or
// programme-name lines). Such a group must land in one cluster; the best
// a method can then do is either put the group with the record most of it
// belongs to (split) or merge the records it spans (merge). Both are
// reported, and a third where each shared group either joins its plurality
// record or has every copy left on its own (what a method that refuses to
// cluster a noise line does), chosen greedily per group. These are bounds
// for methods that see only words and dates, not proofs of optimality.
//
// For tolls: perfect clustering, and the best any estimator could do by
// picking one of the reported figures (0 when no headline gives one).
func ceiling(recs []record, enriched map[string]events.EnrichedArticle, out io.Writer) error {
	its := items(recs)
	type key struct{ text, date string }
	groups := map[key][]item{}
	for _, it := range its {
		k := key{it.text, it.date}
		groups[k] = append(groups[k], it)
	}
	// split: each group goes with its plurality record (first on ties).
	home := map[key]string{}
	shared := 0
	for k, g := range groups {
		votes := map[string]int{}
		best := ""
		recsIn := map[string]bool{}
		for _, it := range g {
			votes[it.rec]++
			recsIn[it.rec] = true
			if best == "" || votes[it.rec] > votes[best] {
				best = it.rec
			}
		}
		if len(recsIn) > 1 {
			shared += len(g)
		}
		home[k] = best
	}
	split := pairCounts(its, func(it item) string { return home[key{it.text, it.date}] })
	// best: a method may also refuse to cluster a line (a roundup title, a
	// byline), leaving each copy on its own; choose per shared group,
	// greedily, whichever of join and isolate scores better.
	isolated := map[key]bool{}
	assignBest := func(it item) string {
		if k := (key{it.text, it.date}); isolated[k] {
			return "isolated:" + it.id
		}
		return home[key{it.text, it.date}]
	}
	best := pairCounts(its, assignBest)
	var sharedKeys []key
	for k, g := range groups {
		if slices.ContainsFunc(g, func(it item) bool { return it.rec != g[0].rec }) {
			sharedKeys = append(sharedKeys, k)
		}
	}
	slices.SortFunc(sharedKeys, func(a, b key) int { return cmp.Or(cmp.Compare(a.text, b.text), cmp.Compare(a.date, b.date)) })
	for changed := true; changed; {
		changed = false
		for _, k := range sharedKeys {
			isolated[k] = !isolated[k]
			if s := pairCounts(its, assignBest); s.f1() > best.f1() {
				best, changed = s, true
			} else {
				isolated[k] = !isolated[k]
			}
		}
	}
	// merge: records that share a group are one cluster (union-find).
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	for _, g := range groups {
		for _, it := range g[1:] {
			a, b := find(g[0].rec), find(it.rec)
			if a != b {
				parent[b] = a
			}
		}
	}
	merge := pairCounts(its, func(it item) string { return find(it.rec) })

	// Tolls under perfect clustering.
	multi, reachable, estimated, missing := 0, 0, 0, 0
	for _, r := range recs {
		hs := r.headlines()
		if len(hs) < 2 || r.Killed == nil {
			continue
		}
		multi++
		var inc *incident.Incident
		values := map[int]bool{}
		for i := range hs {
			a, ok := enriched[headlineID(r.ID, i+1)]
			if !ok {
				missing++
				continue
			}
			if k := a.Totals.Get(events.Killed); k > 0 {
				values[k] = true
			}
			f := incident.Extract(a)
			if inc == nil {
				inc = incident.Open(f)
			} else {
				inc.Add(f, 0)
			}
		}
		if len(values) == 0 {
			values[0] = true
		}
		if values[*r.Killed] {
			reachable++
		}
		if inc != nil && inc.Estimate(events.Killed) == *r.Killed {
			estimated++
		}
	}
	_, err := fmt.Fprintf(out, "headlines %d  in same-text same-date groups spanning several records %d\n"+
		"ceiling (split groups)  precision %.3f  recall %.3f  F1 %.3f\n"+
		"ceiling (merge records) precision %.3f  recall %.3f  F1 %.3f\n"+
		"ceiling (best of join or isolate per group) precision %.3f  recall %.3f  F1 %.3f\n"+
		"multi-report records %d  killed: some headline states UCDP's figure %d (%.3f)  estimator on gold clusters %d (%.3f)  headlines not enriched %d\n",
		len(its), shared, split.precision(), split.recall(), split.f1(), merge.precision(), merge.recall(), merge.f1(),
		best.precision(), best.recall(), best.f1(),
		multi, reachable, ratio(reachable, multi), estimated, ratio(estimated, multi), missing)
	return err
}

// errorPairs prints up to n false-positive and n false-negative pairs with
// what the clustering saw of each side, for error analysis.
func errorPairs(recs []record, assign map[string]string, enriched map[string]events.EnrichedArticle, n int, out io.Writer) error {
	its := items(recs)
	slices.SortFunc(its, func(a, b item) int { return cmp.Compare(a.id, b.id) })
	describe := func(it item) string {
		a := enriched[it.id]
		focus := "-"
		if a.Focus != nil {
			focus = fmt.Sprintf("%s[%s %s/%s]", a.Focus.Name, a.Focus.FeatureCode, a.Focus.Admin1Code, a.Focus.Admin2Code)
		}
		flag := ""
		if f := incident.Extract(a); f.Noise {
			flag = " NOISE"
		} else if f.Roundup {
			flag = " ROUNDUP"
		}
		return fmt.Sprintf("%s %s src=%q k=%d %s %q%s", it.id, it.date, a.Source, a.Totals.Get(events.Killed), focus, a.Title, flag)
	}
	var fp, fn []string
	for i, a := range its {
		for _, b := range its[i+1:] {
			ca, cb := assign[a.id], assign[b.id]
			same := ca != "" && ca == cb
			switch {
			case same && a.rec != b.rec:
				fp = append(fp, "  "+describe(a)+"\n  "+describe(b)+"\n")
			case !same && a.rec == b.rec:
				fn = append(fn, "  "+describe(a)+"\n  "+describe(b)+"\n")
			}
		}
	}
	fmt.Fprintf(out, "false positives %d (first %d)\n", len(fp), min(n, len(fp)))
	for _, p := range fp[:min(n, len(fp))] {
		fmt.Fprint(out, p)
	}
	fmt.Fprintf(out, "false negatives %d (first %d)\n", len(fn), min(n, len(fn)))
	for _, p := range fn[:min(n, len(fn))] {
		if _, err := fmt.Fprint(out, p); err != nil {
			return err
		}
	}
	return nil
}

// pairFeatures prints, as CSV, the evidence of every pair of comparable
// headlines within the clustering window, with whether the gold puts them
// in one record: the data to check (or fit) how the evidence is weighed.
func pairFeatures(recs []record, enriched map[string]events.EnrichedArticle, out io.Writer) error {
	cfg := incident.DefaultConfig()
	type one struct {
		rec string
		m   incident.Member
	}
	var all []one
	for _, it := range items(recs) {
		a, ok := enriched[it.id]
		if !ok {
			continue
		}
		f := incident.Extract(a)
		if f.Noise || f.Roundup {
			continue
		}
		inc := incident.Open(f)
		all = append(all, one{it.rec, inc.Members[0]})
	}
	slices.SortFunc(all, func(a, b one) int { return a.m.At.Compare(b.m.At) })
	fmt.Fprintln(out, "same,text,killed,place,shared,days")
	for i, a := range all {
		for _, b := range all[i+1:] {
			if b.m.At.Sub(a.m.At) > cfg.Window {
				break
			}
			e := incident.Compare(cfg, a.m, b.m)
			same := 0
			if a.rec == b.rec {
				same = 1
			}
			shared := 0
			if e.SharedPlace {
				shared = 1
			}
			if _, err := fmt.Fprintf(out, "%d,%.4f,%d,%d,%d,%.2f\n", same, e.Text, e.Killed, e.Place, shared, e.Days); err != nil {
				return err
			}
		}
	}
	return nil
}
