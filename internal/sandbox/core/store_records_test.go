package core

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

type item struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type shelf struct {
	Items []*item            `json:"items"`
	ByKey map[string]*item   `json:"by_key"`
	Count int                `json:"count"`
	Tags  map[string]*string `json:"-"` // not persisted: no collection needed
}

// shelfVendor keeps a shelf: a slice, a map and a value.
type shelfVendor struct {
	st shelf
}

func (v *shelfVendor) Attach(c *Core) error {
	c.AddSection(Section{
		Name:  "shelf",
		State: &v.st,
		Collections: []Collection{
			Slice("items", &v.st.Items, func(i *item) string { return i.ID }),
			Map("by_key", &v.st.ByKey),
			Value("count", &v.st.Count),
		},
		Normalize: func() {
			if v.st.ByKey == nil {
				v.st.ByKey = map[string]*item{}
			}
		},
	})
	return nil
}

func openShelf(t *testing.T, dir string) (*Core, *shelfVendor) {
	t.Helper()
	v := &shelfVendor{}
	s, err := New(Options{DataDir: dir, JobDuration: -1}, v)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

// saved returns every record of the database, by bucket path and key.
func saved(t *testing.T, s *Core) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := s.store.db.View(func(btx *bolt.Tx) error {
		return btx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEachBucket(func(sub []byte) error {
				return b.Bucket(sub).ForEach(func(k, v []byte) error {
					out[string(name)+"/"+string(sub)+"/"+string(k)] = string(v)
					return nil
				})
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func names(items []*item) []string {
	var out []string
	for _, i := range items {
		out = append(out, i.ID+"="+i.Name)
	}
	return out
}

func TestStore_AChangeWritesTheRecordsItTouchedAndNothingElse(t *testing.T) {
	s, v := openShelf(t, t.TempDir())
	defer s.Close()
	err := s.Update(func(tx *Tx) error {
		for _, id := range []string{"a", "b", "c"} {
			v.st.Items = append(v.st.Items, &item{ID: id, Name: id})
			tx.Touch("shelf", "items", id)
		}
		v.st.ByKey["k"] = &item{ID: "k"}
		tx.Touch("shelf", "by_key", "k")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	before := saved(t, s)
	if err := s.Update(func(tx *Tx) error {
		v.st.Items[1].Name = "B"
		tx.Touch("shelf", "items", "b")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	after := saved(t, s)
	var changed []string
	for k := range after {
		if after[k] != before[k] {
			changed = append(changed, k)
		}
	}
	if len(after) != len(before) || !slices.Equal(changed, []string{"shelf/items/b"}) {
		t.Fatalf("changed %v (%d records before, %d after)", changed, len(before), len(after))
	}
}

func TestStore_RecordsKeepTheirOrderAndValuesAcrossARestart(t *testing.T) {
	dir := t.TempDir()
	s, v := openShelf(t, dir)
	steps := []func(tx *Tx){
		func(tx *Tx) {
			for _, id := range []string{"a", "b", "c"} {
				v.st.Items = append(v.st.Items, &item{ID: id, Name: id})
				tx.Touch("shelf", "items", id)
			}
		},
		func(tx *Tx) {
			v.st.Items = slices.Delete(v.st.Items, 1, 2)
			tx.Touch("shelf", "items", "b")
		},
		func(tx *Tx) {
			v.st.Items = append(v.st.Items, &item{ID: "d", Name: "d"})
			v.st.Count = 7
			v.st.ByKey["x"] = &item{ID: "x", Name: "ex"}
			tx.Touch("shelf", "items", "d")
			tx.Touch("shelf", "count", ValueID)
			tx.Touch("shelf", "by_key", "x")
		},
	}
	for _, step := range steps {
		if err := s.Update(func(tx *Tx) error { step(tx); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, v2 := openShelf(t, dir)
	defer s2.Close()
	if got := names(v2.st.Items); !slices.Equal(got, []string{"a=a", "c=c", "d=d"}) || v2.st.Count != 7 || v2.st.ByKey["x"].Name != "ex" {
		t.Fatalf("after restart: items %v, count %d, by key %v", got, v2.st.Count, slices.Collect(maps.Keys(v2.st.ByKey)))
	}
}

func TestStore_AFailedUpdatePutsItsRecordsBackAsSaved(t *testing.T) {
	s, v := openShelf(t, t.TempDir())
	defer s.Close()
	if err := s.Update(func(tx *Tx) error {
		v.st.Items = []*item{{ID: "a", Name: "a"}, {ID: "b", Name: "b"}, {ID: "c", Name: "c"}}
		tx.TouchAll("shelf", "items")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	kept := v.st.Items[2]
	boom := errors.New("boom")
	err := s.Update(func(tx *Tx) error {
		tx.Touch("shelf", "items", "a", "b", "z")
		v.st.Items[0].Name = "changed"
		v.st.Items = slices.Delete(v.st.Items, 1, 2)
		v.st.Items = append(v.st.Items, &item{ID: "z"})
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if got := names(v.st.Items); !slices.Equal(got, []string{"a=a", "b=b", "c=c"}) {
		t.Fatalf("after the failed update %v", got)
	}
	if v.st.Items[2] != kept {
		t.Error("a record the update did not touch was replaced instead of kept")
	}
}

func TestStore_AnUndeclaredChangeIsCaughtInTests(t *testing.T) {
	s, v := openShelf(t, t.TempDir())
	defer s.Close()
	if err := s.Update(func(tx *Tx) error {
		v.st.Items = append(v.st.Items, &item{ID: "a"}, &item{ID: "b"})
		tx.Touch("shelf", "items", "a", "b")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "did not declare") || !strings.Contains(msg, "shelf/items/b") || strings.Contains(msg, "items/a") {
			t.Fatalf("recovered %q", msg)
		}
	}()
	_ = s.Update(func(tx *Tx) error {
		tx.Touch("shelf", "items", "a")
		v.st.Items[0].Name, v.st.Items[1].Name = "declared", "not declared"
		return nil
	})
	t.Fatal("no panic")
}

func TestStore_ASectionFieldNoCollectionKeepsIsRefused(t *testing.T) {
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "field Count is kept by no collection") {
			t.Fatalf("recovered %q", msg)
		}
	}()
	var st shelf
	(&Core{}).AddSection(Section{Name: "shelf", State: &st, Collections: []Collection{
		Slice("items", &st.Items, func(i *item) string { return i.ID }),
		Map("by_key", &st.ByKey),
	}})
	t.Fatal("registered")
}

func TestStore_AnUpdateAfterCloseIsRefusedAndReadsStillWork(t *testing.T) {
	s, v := openShelf(t, t.TempDir())
	if err := s.Update(func(tx *Tx) error {
		v.st.Count = 1
		tx.Touch("shelf", "count", ValueID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Tx) error { v.st.Count = 2; tx.Touch("shelf", "count", ValueID); return nil }); !errors.Is(err, errClosing) {
		t.Fatalf("update after close: %v", err)
	}
	s.Read(func(*Tx) {
		if v.st.Count != 1 {
			t.Fatalf("count %d", v.st.Count)
		}
	})
}
