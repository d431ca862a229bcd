package core

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// JobCounts counts the jobs of one kind for one object: every request that started one, and
// how many of those completed or failed so far.
type JobCounts struct {
	Requested int `json:"requested"`
	Completed int `json:"completed"`
	Failed    int `json:"failed"`
}

// Add counts one job in state s.
func (c *JobCounts) Add(s JobState) {
	c.Requested++
	switch s {
	case JobCompleted:
		c.Completed++
	case JobFailed:
		c.Failed++
	}
}

// JobsByKind counts every job by kind and state: the "jobs" section of the inventory.
func JobsByKind(tx *Tx) map[string]map[JobState]int {
	out := map[string]map[JobState]int{}
	for j := range tx.Jobs() {
		if out[j.Kind] == nil {
			out[j.Kind] = map[JobState]int{}
		}
		out[j.Kind][j.State]++
	}
	return out
}

// inventoryJSON is GET /_sandbox/inventory: each section's inventory under its name, in
// registration order, then "jobs", all counted in one read.
func (s *Core) inventoryJSON() ([]byte, error) {
	var b bytes.Buffer
	var err error
	s.Read(func(tx *Tx) {
		b.WriteByte('{')
		put := func(name string, v any) {
			if err != nil {
				return
			}
			var raw []byte
			if raw, err = json.Marshal(v); err != nil {
				return
			}
			if b.Len() > 1 {
				b.WriteByte(',')
			}
			key, _ := json.Marshal(name)
			b.Write(key)
			b.WriteByte(':')
			b.Write(raw)
		}
		for _, sec := range s.sections {
			if sec.Inventory != nil {
				put(sec.Name, sec.Inventory(tx))
			}
		}
		put("jobs", JobsByKind(tx))
		b.WriteByte('}')
	})
	return b.Bytes(), err
}

// ctlInventory is GET /_sandbox/inventory.
func (s *Core) ctlInventory(w http.ResponseWriter, _ *http.Request) {
	raw, err := s.inventoryJSON()
	if err != nil {
		WriteControlError(w, http.StatusInternalServerError, "sandbox: encode inventory: "+err.Error())
		return
	}
	WriteBody(w, http.StatusOK, "application/json", raw)
}
