// Package dockerfile owns reading Dockerfiles and .dockerignore files well
// enough to check them offline: instructions grouped into build stages, and
// Docker's ignore-pattern matching. It is not a full BuildKit frontend:
// heredocs and a custom escape character are reported as unsupported rather
// than misread.
package dockerfile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// Instruction is one Dockerfile instruction with its continuation lines
// joined.
type Instruction struct {
	Line  int      // 1-based line the instruction starts on
	Cmd   string   // upper case: FROM, COPY, RUN, ...
	Flags []string // leading --flags (FROM, COPY, ADD, RUN), as written
	Args  []string // the JSON array if the instruction uses that form, else the words
	Raw   string   // everything after Cmd, continuations joined
}

// Stage is a FROM and the instructions up to the next FROM.
type Stage struct {
	Line         int
	Image        string // as written, before argument expansion
	Name         string // the AS name, or ""
	Instructions []Instruction
}

// File is a parsed Dockerfile.
type File struct {
	// GlobalArgs are the ARG defaults declared before the first FROM, the
	// only ones a FROM line can use.
	GlobalArgs map[string]string
	Stages     []Stage
}

// ParseFile reads and parses the Dockerfile at path.
func ParseFile(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open Dockerfile: %w", err)
	}
	defer f.Close()
	df, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return df, nil
}

var flagged = map[string]bool{"FROM": true, "COPY": true, "ADD": true, "RUN": true}

// Parse reads a Dockerfile.
func Parse(r io.Reader) (*File, error) {
	instrs, err := instructions(r)
	if err != nil {
		return nil, err
	}
	f := &File{GlobalArgs: map[string]string{}}
	for _, in := range instrs {
		switch {
		case in.Cmd == "FROM":
			if len(in.Args) == 0 {
				return nil, fmt.Errorf("line %d: FROM without an image", in.Line)
			}
			st := Stage{Line: in.Line, Image: in.Args[0]}
			if len(in.Args) == 3 && strings.EqualFold(in.Args[1], "AS") {
				st.Name = in.Args[2]
			} else if len(in.Args) != 1 {
				return nil, fmt.Errorf("line %d: FROM %q: want IMAGE [AS NAME]", in.Line, in.Raw)
			}
			f.Stages = append(f.Stages, st)
		case len(f.Stages) == 0:
			if in.Cmd != "ARG" {
				return nil, fmt.Errorf("line %d: %s before the first FROM", in.Line, in.Cmd)
			}
			for _, a := range in.Args {
				name, value, _ := strings.Cut(a, "=")
				f.GlobalArgs[name] = unquote(value)
			}
		default:
			st := &f.Stages[len(f.Stages)-1]
			st.Instructions = append(st.Instructions, in)
		}
	}
	if len(f.Stages) == 0 {
		return nil, fmt.Errorf("no FROM instruction")
	}
	return f, nil
}

// instructions splits the text into instructions: comments and blank lines
// dropped, backslash continuations joined (comment lines inside a
// continuation are skipped, as Docker does).
func instructions(r io.Reader) ([]Instruction, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var (
		out          []Instruction
		cur          strings.Builder
		start        int
		n            int
		inDirectives = true
	)
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			if inDirectives && cur.Len() == 0 {
				if k, _, ok := strings.Cut(strings.TrimSpace(trimmed[1:]), "="); ok && strings.EqualFold(strings.TrimSpace(k), "escape") {
					return nil, fmt.Errorf("line %d: the escape directive is not supported", n)
				}
			}
			continue
		}
		inDirectives = false
		if trimmed == "" && cur.Len() == 0 {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		cont := strings.HasSuffix(line, `\`)
		if cont {
			line = strings.TrimSuffix(line, `\`)
		}
		cur.WriteString(line)
		if cont {
			cur.WriteString(" ")
			continue
		}
		in, err := instruction(start, cur.String())
		if err != nil {
			return nil, err
		}
		out = append(out, in)
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if cur.Len() > 0 {
		return nil, fmt.Errorf("line %d: continuation at end of file", start)
	}
	return out, nil
}

func instruction(line int, text string) (Instruction, error) {
	text = strings.TrimSpace(text)
	cmd, rest, _ := strings.Cut(text, " ")
	in := Instruction{Line: line, Cmd: strings.ToUpper(cmd), Raw: strings.TrimSpace(rest)}
	if in.Cmd == "" || strings.ContainsAny(in.Cmd, "=$\"'[") {
		return in, fmt.Errorf("line %d: %q is not an instruction", line, cmd)
	}
	if strings.Contains(in.Raw, "<<") && (in.Cmd == "RUN" || in.Cmd == "COPY" || in.Cmd == "ADD") {
		return in, fmt.Errorf("line %d: heredocs are not supported", line)
	}
	args := in.Raw
	if flagged[in.Cmd] {
		for strings.HasPrefix(args, "--") {
			f, r, _ := strings.Cut(args, " ")
			in.Flags = append(in.Flags, f)
			args = strings.TrimSpace(r)
		}
	}
	if strings.HasPrefix(args, "[") {
		var arr []string
		if err := json.Unmarshal([]byte(args), &arr); err == nil {
			in.Args = arr
			return in, nil
		}
		// Not valid JSON: Docker runs it in shell form.
	}
	in.Args = strings.Fields(args)
	return in, nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

var argRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

// ImageOf returns a stage's image with the global ARG defaults substituted,
// the way FROM sees them.
func (f *File) ImageOf(s Stage) string {
	return argRef.ReplaceAllStringFunc(s.Image, func(ref string) string {
		return f.GlobalArgs[argRef.FindStringSubmatch(ref)[1]]
	})
}

// Env returns the value the stage's last ENV instruction gives name.
func (s Stage) Env(name string) (string, bool) {
	var (
		val   string
		found bool
	)
	for _, in := range s.Instructions {
		if in.Cmd != "ENV" {
			continue
		}
		if len(in.Args) >= 2 && !strings.Contains(in.Args[0], "=") {
			// Legacy form: ENV NAME value with spaces.
			if in.Args[0] == name {
				val, found = unquote(strings.TrimSpace(strings.TrimPrefix(in.Raw, in.Args[0]))), true
			}
			continue
		}
		for _, a := range in.Args {
			if k, v, ok := strings.Cut(a, "="); ok && k == name {
				val, found = unquote(v), true
			}
		}
	}
	return val, found
}

// Copy is one COPY or ADD: its sources relative to the build context, and
// its destination.
type Copy struct {
	Line    int
	From    string // the --from stage or image, "" for the build context
	Sources []string
	Dest    string
}

// Copies lists the stage's COPY and ADD instructions.
func (s Stage) Copies() []Copy {
	var out []Copy
	for _, in := range s.Instructions {
		if (in.Cmd != "COPY" && in.Cmd != "ADD") || len(in.Args) < 2 {
			continue
		}
		c := Copy{Line: in.Line, Sources: in.Args[:len(in.Args)-1], Dest: in.Args[len(in.Args)-1]}
		for _, f := range in.Flags {
			if v, ok := strings.CutPrefix(f, "--from="); ok {
				c.From = v
			}
		}
		out = append(out, c)
	}
	return out
}

// Last returns the stage's last instruction of the command, or nil.
func (s Stage) Last(cmd string) *Instruction {
	for i := len(s.Instructions) - 1; i >= 0; i-- {
		if s.Instructions[i].Cmd == cmd {
			return &s.Instructions[i]
		}
	}
	return nil
}
