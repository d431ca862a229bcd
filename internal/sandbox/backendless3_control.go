package sandbox

import (
	"errors"
	"net/http"
)

// routeBackendlessMigrationControl adds the /_sandbox/ routes of the Backendless 3.x → 5.0
// runbook: what the developer does by hand in either console, and the reads tests assert with.
func (s *Sandbox) routeBackendlessMigrationControl(mux *http.ServeMux) {
	s.routeBackendless3Control(mux)
	s.routeBackendlessImportControl(mux)
}

const ctlLegacyVersion = "/_sandbox/backendless3/apps/{appId}/versions/{version}"

// routeBackendless3Control mirrors the 3.x helpers:
//
//	GET    /_sandbox/backendless3/apps                                           LegacyApps
//	POST   /_sandbox/backendless3/apps/{appId}/versions/{version}/migration-archive  press "Create migration archive for 4.0"
//	GET    /_sandbox/backendless3/apps/{appId}/versions/{version}/tables         LegacyTableCounts
//	GET    /_sandbox/backendless3/apps/{appId}/versions/{version}/files/{path}   LegacyFileDigest
//	DELETE /_sandbox/backendless3/apps/{appId}/versions/{version}/files/{path}   DeleteLegacyFile
//	POST   /_sandbox/backendless3/apps/{appId}/versions/{version}/corrupt/{path}?how=  CorruptLegacyFile
func (s *Sandbox) routeBackendless3Control(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sandbox/backendless3/apps", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.LegacyApps())
	})
	mux.HandleFunc("POST "+ctlLegacyVersion+"/migration-archive", func(w http.ResponseWriter, r *http.Request) {
		j, err := s.bk3StartArchive(r.PathValue("appId"), r.PathValue("version"))
		var running *bk3ArchiveRunningError
		switch {
		case errors.As(err, &running):
			writeJSON(w, http.StatusConflict, map[string]string{"error": running.Error(), "jobId": running.jobID})
		case err != nil:
			writeSentinelError(w, err)
		default:
			writeJSON(w, http.StatusAccepted, bk3ArchiveViewOfJob(j))
		}
	})
	mux.HandleFunc("GET "+ctlLegacyVersion+"/tables", func(w http.ResponseWriter, r *http.Request) {
		counts := s.LegacyTableCounts(r.PathValue("appId"), r.PathValue("version"))
		if counts == nil {
			writeControlError(w, http.StatusNotFound, "no such 3.x app version")
			return
		}
		writeJSON(w, http.StatusOK, counts)
	})
	mux.HandleFunc("GET "+ctlLegacyVersion+"/files/{path...}", func(w http.ResponseWriter, r *http.Request) {
		size, sum, ok := s.LegacyFileDigest(r.PathValue("appId"), r.PathValue("version"), r.PathValue("path"))
		writeDigest(w, r.PathValue("path"), size, sum, ok)
	})
	mux.HandleFunc("DELETE "+ctlLegacyVersion+"/files/{path...}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.DeleteLegacyFile(r.PathValue("appId"), r.PathValue("version"), r.PathValue("path")); err != nil {
			writeSentinelError(w, err)
			return
		}
		writeEmpty(w, http.StatusNoContent)
	})
	mux.HandleFunc("POST "+ctlLegacyVersion+"/corrupt/{path...}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.CorruptLegacyFile(r.PathValue("appId"), r.PathValue("version"), r.PathValue("path"), r.URL.Query().Get("how")); err != nil {
			writeSentinelError(w, err)
			return
		}
		writeEmpty(w, http.StatusNoContent)
	})
}

// fileDigest is a control-surface answer about one stored file.
type fileDigest struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func writeDigest(w http.ResponseWriter, p string, size int64, sum string, ok bool) {
	if !ok {
		writeControlError(w, http.StatusNotFound, "no such file")
		return
	}
	writeJSON(w, http.StatusOK, fileDigest{Path: p, Size: size, SHA256: sum})
}
