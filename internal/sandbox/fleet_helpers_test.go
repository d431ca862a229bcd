package sandbox

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// fleetUUID is a deterministic UUID-shaped id for member i's object label.
func fleetUUID(section, label string, i int) string {
	h := sha256.Sum256([]byte(section + "/" + label + "/" + strconv.Itoa(i)))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// expandedFleetFixture is a rehearsal fleet written out member by member: n Backendless 3.x
// apps (crm-001 …) and n Mendix apps (Calc 001 …), each on a licensed v3 node with an empty v4
// node to migrate to.
func expandedFleetFixture(n int) []byte {
	var legacy, mxApps, nodes []map[string]any
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("crm-%03d", i)
		legacy = append(legacy, map[string]any{
			"app_id": strings.ToUpper(fleetUUID("backendless", "app", i)), "name": name,
			"secret_key": "LEGACY-REST-SECRET-" + name, "owner": "dev@example.com",
			"versions": []any{map[string]any{
				"name": "v1",
				"tables": []any{map[string]any{
					"name":          "Person",
					"columns":       []any{map[string]any{"name": "name", "type": "STRING"}, map[string]any{"name": "age", "type": "INT"}},
					"generate_rows": map[string]any{"count": 20, "seed": i},
				}},
				"users": []any{map[string]any{"email": "ada@example.com", "name": "Ada"}},
				"files": []any{map[string]any{"path": "docs/readme.txt", "content": "hello " + name}},
			}},
		})
		project := fleetUUID("mendix", "project", i)
		sub := fmt.Sprintf("calc-%03d", i)
		mxApps = append(mxApps, map[string]any{"project_id": project, "name": fmt.Sprintf("Calc %03d", i), "created": "2021-03-01T09:00:00Z"})
		nodes = append(nodes, map[string]any{
			"id": "node-v3-" + sub, "cloud": "v3", "subdomain": sub, "linked_project_id": project,
			"environments": []any{map[string]any{
				"mode": "Production", "environment_id": fleetUUID("mendix", "v3-production", i), "production": true, "status": "Running",
				"package": map[string]any{
					"package_id": fleetUUID("mendix", "package", i), "name": fmt.Sprintf("Main line-1.0.0.%d.mda", i),
					"version": fmt.Sprintf("1.0.0.%d", i), "model_version": fmt.Sprintf("1.0.0.%d", i), "mendix_version": "9.24.0",
					"size_bytes": 65536, "seed": i,
					"constants":        []any{map[string]any{"name": "MyFirstModule.ApiUrl", "data_type": "String", "default_value": ""}},
					"scheduled_events": []any{map[string]any{"name": "MyFirstModule.NightlyCleanup"}},
				},
				"constants":        []any{map[string]any{"name": "MyFirstModule.ApiUrl", "value": "https://" + sub + ".example.com"}},
				"scheduled_events": []any{map[string]any{"name": "MyFirstModule.NightlyCleanup", "value": "Enabled"}},
				"snapshots": []any{map[string]any{
					"snapshot_id": fleetUUID("mendix", "snapshot", i), "comment": "Nightly", "state": "Completed", "seed": i,
					"db_tables": 2, "db_rows": 100, "files": 2, "file_bytes": 4096,
				}},
			}},
		}, map[string]any{
			"id": "node-v4-" + sub, "cloud": "v4", "subdomain": sub + "-v4",
			"environments": []any{
				map[string]any{"mode": "Production", "environment_id": fleetUUID("mendix", "v4-production", i), "production": true},
				map[string]any{"mode": "Acceptance", "environment_id": fleetUUID("mendix", "v4-acceptance", i), "production": false},
			},
		})
	}
	fx := map[string]any{
		"backendless": map[string]any{
			"developers":  []any{map[string]any{"login": "dev@example.com", "password": "sandbox-password", "name": "Sandbox Developer"}},
			"legacy_apps": legacy,
		},
		"mendix": map[string]any{
			"users": []any{map[string]any{"username": "dev@example.com", "name": "Sandbox Developer", "api_key": "SANDBOX-MX-APIKEY", "pat": "SANDBOX-MX-PAT"}},
			"apps":  mxApps,
			"nodes": nodes,
		},
	}
	raw, err := json.Marshal(fx)
	if err != nil {
		panic(err)
	}
	return raw
}

// writtenBytes is how many bytes this process has handed to write system calls so far
// (/proc/self/io wchar), or -1 where the kernel does not tell.
func writtenBytes(tb testing.TB) int64 {
	tb.Helper()
	raw, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "wchar: "); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}
