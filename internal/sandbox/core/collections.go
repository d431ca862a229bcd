package core

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// Collection is one kind of record a section keeps (apps, nodes, sessions…): in memory as the
// vendor's own slice, map or value, on disk one key per record, so a change writes the records
// it touched and nothing else. Make one with Slice, Map or Value over a field of the section's
// State.
type Collection struct {
	name string
	impl collection
}

// stored is one record as the database holds it.
type stored struct {
	id  string
	seq uint64 // the record's place in its collection: the order a slice is rebuilt in
	raw []byte
}

// collection is what the store needs of a Collection.
type collection interface {
	// target points at the State field the collection keeps.
	target() any
	// get returns the record with id, false when there is none.
	get(id string) (any, bool)
	// each calls fn for every record, in memory order.
	each(fn func(id string, rec any))
	// rebuild replaces the contents with recs, in their order: a record whose id keep accepts
	// stays the value memory holds for it (when it holds one), the others are decoded from raw.
	rebuild(recs []stored, keep func(id string) bool) error
}

// Slice keeps a slice of records in their order; id names a record (unique in the slice,
// stable for its life).
func Slice[T any](name string, list *[]*T, id func(*T) string) Collection {
	return Collection{name: name, impl: sliceColl[T]{list: list, id: id}}
}

// Map keeps a map of records by key.
func Map[T any](name string, m *map[string]*T) Collection {
	return Collection{name: name, impl: mapColl[T]{m: m}}
}

// Value keeps one value as a single record (settings, a counter).
func Value[T any](name string, v *T) Collection {
	return Collection{name: name, impl: valueColl[T]{v: v}}
}

// ValueID is the id of a Value collection's one record, for Touch.
const ValueID = "value"

type sliceColl[T any] struct {
	list *[]*T
	id   func(*T) string
}

func (c sliceColl[T]) target() any { return c.list }

func (c sliceColl[T]) get(id string) (any, bool) {
	for _, r := range *c.list {
		if c.id(r) == id {
			return r, true
		}
	}
	return nil, false
}

func (c sliceColl[T]) each(fn func(id string, rec any)) {
	for _, r := range *c.list {
		fn(c.id(r), r)
	}
}

func (c sliceColl[T]) rebuild(recs []stored, keep func(id string) bool) error {
	current := make(map[string]*T, len(*c.list))
	for _, r := range *c.list {
		current[c.id(r)] = r
	}
	out := make([]*T, 0, len(recs))
	for _, rec := range recs {
		if r, ok := current[rec.id]; ok && keep(rec.id) {
			out = append(out, r)
			continue
		}
		r := new(T)
		if err := json.Unmarshal(rec.raw, r); err != nil {
			return fmt.Errorf("record %s: %w", rec.id, err)
		}
		out = append(out, r)
	}
	*c.list = out
	return nil
}

type mapColl[T any] struct {
	m *map[string]*T
}

func (c mapColl[T]) target() any { return c.m }

func (c mapColl[T]) get(id string) (any, bool) {
	r, ok := (*c.m)[id]
	if !ok || r == nil {
		return nil, false
	}
	return r, true
}

func (c mapColl[T]) each(fn func(id string, rec any)) {
	for id, r := range *c.m {
		if r != nil {
			fn(id, r)
		}
	}
}

func (c mapColl[T]) rebuild(recs []stored, keep func(id string) bool) error {
	out := make(map[string]*T, len(recs))
	for _, rec := range recs {
		if r, ok := (*c.m)[rec.id]; ok && r != nil && keep(rec.id) {
			out[rec.id] = r
			continue
		}
		r := new(T)
		if err := json.Unmarshal(rec.raw, r); err != nil {
			return fmt.Errorf("record %s: %w", rec.id, err)
		}
		out[rec.id] = r
	}
	*c.m = out
	return nil
}

type valueColl[T any] struct {
	v *T
}

func (c valueColl[T]) target() any { return c.v }

func (c valueColl[T]) get(id string) (any, bool) {
	if id != ValueID {
		return nil, false
	}
	return c.v, true
}

func (c valueColl[T]) each(fn func(id string, rec any)) { fn(ValueID, c.v) }

func (c valueColl[T]) rebuild(recs []stored, keep func(id string) bool) error {
	for _, rec := range recs {
		if rec.id != ValueID || keep(rec.id) {
			continue
		}
		var v T
		if err := json.Unmarshal(rec.raw, &v); err != nil {
			return fmt.Errorf("record %s: %w", rec.id, err)
		}
		*c.v = v
	}
	return nil
}

// checkCoverage refuses a section whose State has an exported field no collection keeps: it
// would never reach the disk.
func checkCoverage(sec *Section) error {
	v := reflect.ValueOf(sec.State)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("sandbox: section %s: State must point at a struct", sec.Name)
	}
	kept := map[uintptr]bool{}
	for _, c := range sec.Collections {
		kept[reflect.ValueOf(c.impl.target()).Pointer()] = true
	}
	st := v.Elem()
	for i := range st.NumField() {
		f := st.Type().Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		if !kept[st.Field(i).Addr().Pointer()] {
			return fmt.Errorf("sandbox: section %s: field %s is kept by no collection, so it would never be saved", sec.Name, f.Name)
		}
	}
	return nil
}
