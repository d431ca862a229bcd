package mendix

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestLinkNode_ModeledCall(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		requirePAT(t, r)
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		if r.Method != http.MethodPost || r.URL.Path != "/cloud/api/v4/apps/p-1/node" || in["nodeId"] != "node-v4" {
			t.Errorf("got %s %s %v", r.Method, r.URL.Path, in)
		}
		if calls == 1 {
			writeJSON(w, 503, map[string]any{"error": map[string]any{"code": 503, "message": "busy"}})
			return
		}
		writeJSON(w, 200, map[string]string{"appId": "p-1", "nodeId": "node-v4", "subdomain": "calc-v4", "linkedAt": "2024-01-01T00:00:00.000Z"})
	}))
	defer srv.Close()
	l, err := newTestClient(t, srv).LinkNode(context.Background(), "p-1", "node-v4")
	if err != nil || l.Subdomain != "calc-v4" || l.LinkedAt.IsZero() {
		t.Fatalf("got %+v, %v", l, err)
	}
	if calls != 2 {
		t.Fatalf("linking again is harmless, so a 503 is retried: %d calls", calls)
	}
}
