package main

import (
	"strings"
	"testing"
)

func TestOrigins(t *testing.T) {
	tests := []struct {
		name string
		rec  record
		want []origin
	}{
		{
			name: "one entry a headline, in order",
			rec: record{Date: "2003-02-25", Text: "Three said killed in Indian firing in Kashmir.\nThree killed in Indian shelling: police",
				SourceArticle: `"Reuters News,2003-02-25,Three said killed in Indian firing in Kashmir.";"Agence France Presse,2003-02-26,Three killed in Indian shelling: police"`},
			want: []origin{{"Reuters News", "2003-02-25"}, {"Agence France Presse", "2003-02-26"}},
		},
		{
			name: "entries out of order and an extra entry without a headline",
			rec: record{Date: "2021-03-05", Text: "Roadside bombing kills 5 workers\nSibi: Bomb blast kills 5 labourers",
				SourceArticle: `"SATP,2021-03-05,Pakistan: Timeline (Terrorist Activities) -2021";"the Balochistan Post,2021-03-06,Sibi: Bomb blast kills 5 labourers";"Associated Press Newswires,2021-03-05,Roadside bombing kills 5 workers"`},
			want: []origin{{"Associated Press Newswires", "2021-03-05"}, {"the Balochistan Post", "2021-03-06"}},
		},
		{
			name: "a byline line belongs to the entry above it",
			rec: record{Date: "2014-09-13", Text: "FC man among three killed in Quetta blast\nAU\nSaleem Shahid",
				SourceArticle: "\"Dawn,2014-09-14,FC man among three killed in Quetta blast\n\nAU \t\nSaleem Shahid\""},
			want: []origin{{"Dawn", "2014-09-14"}, {"Dawn", "2014-09-14"}, {"Dawn", "2014-09-14"}},
		},
		{
			name: "unparsable entry: the event date and no outlet",
			rec: record{Date: "2012-03-17", Text: "More than 50 dead in gunfights",
				SourceArticle: `AFP 18/3 2012 "Something else entirely"`},
			want: []origin{{"", "2012-03-17"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.rec.origins()
			if len(got) != len(tt.want) {
				t.Fatalf("got %d origins, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("headline %d: %+v, want %+v", i+1, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestPairCounts(t *testing.T) {
	its := []item{{id: "a#1", rec: "a"}, {id: "a#2", rec: "a"}, {id: "a#3", rec: "a"}, {id: "b#1", rec: "b"}}
	// a#1, a#2 and b#1 together; a#3 alone.
	s := pairCounts(its, func(it item) string {
		if it.id == "a#3" {
			return "y"
		}
		return "x"
	})
	if s.goldPairs != 3 || s.predPairs != 3 || s.truePairs != 1 {
		t.Errorf("gold %d predicted %d true %d, want 3 3 1", s.goldPairs, s.predPairs, s.truePairs)
	}
}

// FuzzOrigins feeds arbitrary UCDP text and source_article fields: the
// parser must give one origin per headline and never panic.
func FuzzOrigins(f *testing.F) {
	f.Add("Headline one\nHeadline two", `"Reuters News,2003-02-25,Headline one";"AFP,2003-02-26,Headline two"`)
	f.Add("AU", "\"Dawn,2014-09-14,x\n\nAU\"")
	f.Add("", `";";"`)
	f.Fuzz(func(t *testing.T, text, sources string) {
		r := record{Date: "2000-01-01", Text: text, SourceArticle: sources}
		got := r.origins()
		if len(got) != len(r.headlines()) {
			t.Fatalf("%d origins for %d headlines", len(got), len(r.headlines()))
		}
		for _, o := range got {
			if o.date == "" || strings.ContainsAny(o.date, "\n\"") {
				t.Fatalf("bad date %q", o.date)
			}
		}
	})
}
