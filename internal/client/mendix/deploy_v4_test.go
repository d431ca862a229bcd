package mendix

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

func TestAppsV4_PATCamelCaseAllPages(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requirePAT(t, r)
		if r.URL.Path != "/cloud/api/v4/apps" || r.URL.Query().Get("licenseType") != "licensed" {
			t.Errorf("got %s?%s", r.URL.Path, r.URL.RawQuery)
		}
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		apps := []map[string]any{}
		// The server caps the page at 2 whatever limit says (§6: over-large limits are capped).
		for i := offset; i < 3 && len(apps) < 2; i++ {
			apps = append(apps, map[string]any{"id": strconv.Itoa(i), "licenseType": "licensed", "subdomain": "s" + strconv.Itoa(i),
				"technicalContact": map[string]string{"userId": "a@b.c"}})
		}
		writeJSON(w, 200, map[string]any{"apps": apps, "pagination": map[string]int{"offset": offset, "limit": 2, "size": len(apps)}})
	}))
	defer srv.Close()
	apps, err := newTestClient(t, srv).AppsV4(context.Background(), LicenseLicensed)
	if err != nil || len(apps) != 3 || apps[2].Subdomain != "s2" || apps[0].TechnicalContact != "a@b.c" {
		t.Fatalf("got %+v, %v", apps, err)
	}
}

func TestEnvironmentsV4_PackageAndLenientBool(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("expand") != "package" {
			t.Errorf("query %q", r.URL.RawQuery)
		}
		envs := []map[string]any{}
		if r.URL.Query().Get("offset") == "0" {
			envs = append(envs, map[string]any{"id": "e", "name": "Production", "state": "running", "isProduction": "true",
				"package": map[string]any{"id": "pk", "modelVersion": "2.5.4.63", "fileSize": 12}})
		}
		writeJSON(w, 200, map[string]any{"environments": envs})
	}))
	defer srv.Close()
	envs, err := newTestClient(t, srv).EnvironmentsV4(context.Background(), "p")
	if err != nil || len(envs) != 1 || !envs[0].IsProduction || envs[0].Package.ModelVersion != "2.5.4.63" || envs[0].State != V4Running {
		t.Fatalf("got %+v, %v", envs, err)
	}
}

func TestAppV4_ErrorShape(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, map[string]any{"error": map[string]any{"code": 404, "message": "App not found"}})
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv).AppV4(context.Background(), "p")
	var e *Error
	if !IsNotFound(err) || !errorsAs(err, &e) || e.Message != "App not found" || e.API != "Deploy API v4" {
		t.Fatalf("got %v", err)
	}
}

func TestAppsV4_ListedOncePerClientUntilOwnWrite(t *testing.T) {
	lists := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/cloud/api/v4/apps":
			if r.URL.Query().Get("offset") == "0" {
				lists++
				writeJSON(w, 200, map[string]any{"apps": []map[string]any{{"id": "a", "licenseType": "licensed", "subdomain": "s"}}})
				return
			}
			writeJSON(w, 200, map[string]any{"apps": []map[string]any{}})
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusAccepted)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if apps, err := c.AppsV4(ctx, LicenseLicensed); err != nil || len(apps) != 1 {
			t.Fatalf("got %+v, %v", apps, err)
		}
	}
	if lists != 1 {
		t.Fatalf("five reads listed %d times, want once", lists)
	}
	if err := c.DeleteProject(ctx, "p"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AppsV4(ctx, LicenseLicensed); err != nil || lists != 2 {
		t.Fatalf("after our own delete the listing must be read again: %d lists, %v", lists, err)
	}
}
