package backendless

import (
	"errors"
	"net/http"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// routeBackendlessMigrationControl adds the /_sandbox/ routes of the Backendless 3.x → 5.0
// runbook: what the developer does by hand in either console, and the reads tests assert with.
func (s *Backendless) routeBackendlessMigrationControl() {
	s.routeBackendless3Control()
	s.routeBackendlessImportControl()
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
func (s *Backendless) routeBackendless3Control() {
	s.HandleControl("GET /_sandbox/backendless3/apps", func(w http.ResponseWriter, r *http.Request) {
		core.WriteJSON(w, http.StatusOK, s.LegacyApps())
	})
	s.HandleControl("POST "+ctlLegacyVersion+"/migration-archive", func(w http.ResponseWriter, r *http.Request) {
		j, err := s.bk3StartArchive(r.PathValue("appId"), r.PathValue("version"))
		var running *bk3ArchiveRunningError
		switch {
		case errors.As(err, &running):
			core.WriteJSON(w, http.StatusConflict, map[string]string{"error": running.Error(), "jobId": running.jobID})
		case err != nil:
			core.WriteSentinelError(w, err)
		default:
			core.WriteJSON(w, http.StatusAccepted, bk3ArchiveViewOfJob(j))
		}
	})
	s.HandleControl("GET "+ctlLegacyVersion+"/tables", func(w http.ResponseWriter, r *http.Request) {
		counts := s.LegacyTableCounts(r.PathValue("appId"), r.PathValue("version"))
		if counts == nil {
			core.WriteControlError(w, http.StatusNotFound, "no such 3.x app version")
			return
		}
		core.WriteJSON(w, http.StatusOK, counts)
	})
	s.HandleControl("GET "+ctlLegacyVersion+"/files/{path...}", func(w http.ResponseWriter, r *http.Request) {
		size, sum, ok := s.LegacyFileDigest(r.PathValue("appId"), r.PathValue("version"), r.PathValue("path"))
		writeDigest(w, r.PathValue("path"), size, sum, ok)
	})
	s.HandleControl("DELETE "+ctlLegacyVersion+"/files/{path...}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.DeleteLegacyFile(r.PathValue("appId"), r.PathValue("version"), r.PathValue("path")); err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteEmpty(w, http.StatusNoContent)
	})
	s.HandleControl("POST "+ctlLegacyVersion+"/corrupt/{path...}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.CorruptLegacyFile(r.PathValue("appId"), r.PathValue("version"), r.PathValue("path"), r.URL.Query().Get("how")); err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteEmpty(w, http.StatusNoContent)
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
		core.WriteControlError(w, http.StatusNotFound, "no such file")
		return
	}
	core.WriteJSON(w, http.StatusOK, fileDigest{Path: p, Size: size, SHA256: sum})
}
