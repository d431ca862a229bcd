package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// fleetUUID is the id {uuid:label} stands for in member i of a section's first fleet.
func fleetUUID(section, label string, i int) string { return core.FleetUUID(section, 0, label, i) }

// expandedFleetFixture is fleetFixture written out member by member, with the same ids.
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

// fleetFixture is a rehearsal fleet: n Backendless 3.x apps (crm-001 …) and n Mendix apps
// (Calc 001 …), each on a licensed v3 node with an empty v4 node to migrate to, generated from
// one template per vendor.
func fleetFixture(n int) []byte {
	return []byte(fmt.Sprintf(`{
  "backendless": {
    "developers": [{"login": "dev@example.com", "password": "sandbox-password", "name": "Sandbox Developer"}],
    "fleets": [{
      "count": %[1]d,
      "legacy_apps": [{
        "app_id": "{UUID:app}", "name": "crm-{n:3}", "secret_key": "LEGACY-REST-SECRET-crm-{n:3}", "owner": "dev@example.com",
        "versions": [{
          "name": "v1",
          "tables": [{"name": "Person", "columns": [{"name": "name", "type": "STRING"}, {"name": "age", "type": "INT"}],
                      "generate_rows": {"count": 20, "seed": "{n}"}}],
          "users": [{"email": "ada@example.com", "name": "Ada"}],
          "files": [{"path": "docs/readme.txt", "content": "hello crm-{n:3}"}]
        }]
      }]
    }]
  },
  "mendix": {
    "users": [{"username": "dev@example.com", "name": "Sandbox Developer", "api_key": "SANDBOX-MX-APIKEY", "pat": "SANDBOX-MX-PAT"}],
    "fleets": [{
      "count": %[1]d,
      "apps": [{"project_id": "{uuid:project}", "name": "Calc {n:3}", "created": "2021-03-01T09:00:00Z"}],
      "nodes": [
        {"id": "node-v3-calc-{n:3}", "cloud": "v3", "subdomain": "calc-{n:3}", "linked_project_id": "{uuid:project}",
         "environments": [{
           "mode": "Production", "environment_id": "{uuid:v3-production}", "production": true, "status": "Running",
           "package": {"package_id": "{uuid:package}", "name": "Main line-1.0.0.{n}.mda", "version": "1.0.0.{n}",
                       "model_version": "1.0.0.{n}", "mendix_version": "9.24.0", "size_bytes": 65536, "seed": "{n}",
                       "constants": [{"name": "MyFirstModule.ApiUrl", "data_type": "String", "default_value": ""}],
                       "scheduled_events": [{"name": "MyFirstModule.NightlyCleanup"}]},
           "constants": [{"name": "MyFirstModule.ApiUrl", "value": "https://calc-{n:3}.example.com"}],
           "scheduled_events": [{"name": "MyFirstModule.NightlyCleanup", "value": "Enabled"}],
           "snapshots": [{"snapshot_id": "{uuid:snapshot}", "comment": "Nightly", "state": "Completed", "seed": "{n}",
                          "db_tables": 2, "db_rows": 100, "files": 2, "file_bytes": 4096}]
         }]},
        {"id": "node-v4-calc-{n:3}", "cloud": "v4", "subdomain": "calc-{n:3}-v4",
         "environments": [
           {"mode": "Production", "environment_id": "{uuid:v4-production}", "production": true},
           {"mode": "Acceptance", "environment_id": "{uuid:v4-acceptance}", "production": false}
         ]}
      ]
    }]
  }
}`, n))
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
