package core

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// fleetsKey is the key of a vendor section that lists its fleets.
const fleetsKey = "fleets"

// maxFleetCount bounds one fleet, so a typo (an extra zero or three) fails at start instead of
// filling the disk.
const maxFleetCount = 10_000

// placeholder matches {n}, {n:WIDTH}, {uuid:LABEL} and {UUID:LABEL}.
var placeholder = regexp.MustCompile(`\{([A-Za-z]+)(?::([^{}]*))?\}`)

// ExpandFleets replaces the "fleets" of a vendor's fixture section by their members, so the
// vendor checks and seeds a fleet exactly like entries written out one by one. A fleet is
// {"count": N, "<list key>": [templates], ...}: for n = 1 … N, every template of every list key
// is appended to the section's list of that key, after the entries written there, with its
// placeholders replaced in every string:
//
//	{n}            n (a string that is exactly "{n}" becomes the number n)
//	{n:3}          n zero-padded to 3 digits: 001, 002, …
//	{uuid:label}   a lower-case UUID, the same for the same label, fleet and n, different
//	               otherwise: deterministic, so the same fixture gives the same ids everywhere
//	{UUID:label}   the same UUID in upper case
//
// section names the vendor section in errors ("backendless"). A section without fleets comes
// back unchanged.
func ExpandFleets(section string, raw json.RawMessage) (json.RawMessage, error) {
	if isNull(raw) {
		return raw, nil
	}
	// Not an object, or no fleets: the section goes on as written, and the vendor's own check
	// says what is wrong with it.
	var doc map[string]json.RawMessage
	if !isObject(raw) {
		return raw, nil
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("sandbox: fixture: %s: %w", section, err)
	}
	if doc[fleetsKey] == nil {
		return raw, nil
	}
	var fleets []map[string]json.RawMessage
	if err := json.Unmarshal(doc[fleetsKey], &fleets); err != nil {
		return nil, fmt.Errorf("sandbox: fixture: %s.%s: want a list of fleets: %v", section, fleetsKey, err)
	}
	delete(doc, fleetsKey)
	lists := map[string][]any{}
	for key, v := range doc {
		if !isList(v) {
			continue
		}
		var items []any
		if err := decodeNumbers(v, &items); err != nil {
			return nil, fmt.Errorf("sandbox: fixture: %s.%s: %v", section, key, err)
		}
		lists[key] = items
	}
	for fi, fleet := range fleets {
		at := fmt.Sprintf("%s.%s[%d]", section, fleetsKey, fi)
		var count int
		if err := json.Unmarshal(fleet["count"], &count); err != nil || count < 1 || count > maxFleetCount {
			return nil, fmt.Errorf("sandbox: fixture: %s: count: want a number from 1 to %d", at, maxFleetCount)
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range fleet {
				if k != "count" && !yield(k) {
					return
				}
			}
		})
		if len(keys) == 0 {
			return nil, fmt.Errorf("sandbox: fixture: %s: no templates: want lists of entries next to count", at)
		}
		for _, key := range keys {
			if v, ok := doc[key]; ok && !isList(v) && !isNull(v) {
				return nil, fmt.Errorf("sandbox: fixture: %s.%s: the section's %s is not a list", at, key, key)
			}
			var templates []any
			if err := decodeNumbers(fleet[key], &templates); err != nil {
				return nil, fmt.Errorf("sandbox: fixture: %s.%s: want a list of entries: %v", at, key, err)
			}
			for n := 1; n <= count; n++ {
				for ti, tpl := range templates {
					member, err := substitute(tpl, func(name, arg string) (any, error) {
						return fleetValue(section, fi, n, name, arg)
					})
					if err != nil {
						return nil, fmt.Errorf("sandbox: fixture: %s.%s[%d]: %w", at, key, ti, err)
					}
					lists[key] = append(lists[key], member)
				}
			}
		}
	}
	out := map[string]any{}
	for k, v := range doc {
		out[k] = v
	}
	for k, items := range lists {
		out[k] = items
	}
	return json.Marshal(out)
}

// FleetUUID is the UUID {uuid:label} stands for in member n of a section's fleet number fleet
// (counted from 0): a version-4-shaped id derived from those four values alone.
func FleetUUID(section string, fleet int, label string, n int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("appmigrate-sandbox fleet\x00%s\x00%d\x00%s\x00%d", section, fleet, label, n)))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// fleetValue renders one placeholder of member n.
func fleetValue(section string, fleet, n int, name, arg string) (any, error) {
	switch name {
	case "n":
		if arg == "" {
			return n, nil
		}
		width, err := strconv.Atoi(arg)
		if err != nil || width < 1 || width > 12 {
			return nil, fmt.Errorf("{n:%s}: want a width from 1 to 12, e.g. {n:3}", arg)
		}
		return fmt.Sprintf("%0*d", width, n), nil
	case "uuid", "UUID":
		if arg == "" {
			return nil, fmt.Errorf("{%s}: want a label, e.g. {%s:project}", name, name)
		}
		id := FleetUUID(section, fleet, arg, n)
		if name == "UUID" {
			id = strings.ToUpper(id)
		}
		return id, nil
	}
	return nil, fmt.Errorf("unknown placeholder {%s}: want {n}, {n:WIDTH}, {uuid:LABEL} or {UUID:LABEL}", name)
}

// substitute returns a copy of v with the placeholders of every string replaced; a string that
// is exactly one placeholder takes the placeholder's value (a number for {n}).
func substitute(v any, value func(name, arg string) (any, error)) (any, error) {
	switch x := v.(type) {
	case string:
		if m := placeholder.FindStringSubmatch(x); m != nil && m[0] == x {
			return value(m[1], m[2])
		}
		var err error
		out := placeholder.ReplaceAllStringFunc(x, func(p string) string {
			m := placeholder.FindStringSubmatch(p)
			r, verr := value(m[1], m[2])
			if verr != nil && err == nil {
				err = verr
			}
			return fmt.Sprint(r)
		})
		return out, err
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := substitute(e, value)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			r, err := substitute(e, value)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = r
		}
		return out, nil
	}
	return v, nil
}

// isObject reports a JSON object.
func isObject(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '{'
}

// isList reports a JSON array.
func isList(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) > 0 && t[0] == '['
}

// decodeNumbers decodes JSON keeping numbers as written (json.Number), so 36 stays 36.
func decodeNumbers(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}
