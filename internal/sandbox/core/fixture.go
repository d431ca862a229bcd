package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// checkFixture splits a fixture into its vendor sections and has each vendor check its own, so
// a typo fails at start with the key's name rather than as a mysterious 401 later. A nil
// fixture is every vendor's default section. The result seeds an empty data directory.
func (s *Core) checkFixture(raw []byte) (func(tx *Tx) error, error) {
	doc := map[string]json.RawMessage{}
	if raw == nil {
		for _, sec := range s.sections {
			doc[sec.Name] = sec.DefaultFixture
		}
	} else {
		dec := json.NewDecoder(bytes.NewReader(raw))
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("sandbox: fixture: %w", err)
		}
		if doc == nil {
			doc = map[string]json.RawMessage{}
		}
	}
	known := make([]string, 0, len(s.sections))
	for _, sec := range s.sections {
		known = append(known, sec.Name)
	}
	for key := range doc {
		if !slices.Contains(known, key) {
			return nil, fmt.Errorf("sandbox: fixture: json: unknown field %q (the sections are %s)", key, strings.Join(known, ", "))
		}
	}
	var seeds []func(tx *Tx) error
	for _, sec := range s.sections {
		if sec.CheckFixture == nil {
			continue
		}
		section := doc[sec.Name]
		if isNull(section) {
			section = nil
		}
		seed, err := sec.CheckFixture(section)
		if err != nil {
			return nil, err
		}
		if seed != nil {
			seeds = append(seeds, seed)
		}
	}
	return func(tx *Tx) error {
		for _, seed := range seeds {
			if err := seed(tx); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// isNull reports an absent or JSON null section.
func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// FixturePart is one vendor's section of a fixture document.
type FixturePart struct {
	Name string
	Body []byte
}

// AssembleFixture joins vendor sections into one fixture document, in the order given, each
// section's text indented under its name; the vendors' default sections make the default
// fixture this way.
func AssembleFixture(parts ...FixturePart) []byte {
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, p := range parts {
		body := strings.TrimRight(string(p.Body), "\n")
		fmt.Fprintf(&b, "  %q: %s", p.Name, strings.ReplaceAll(body, "\n", "\n  "))
		if i < len(parts)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	return b.Bytes()
}
