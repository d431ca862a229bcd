package backendless

import (
	"net/http"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// routeBackendlessImportControl mirrors the 5.0 helpers:
//
//	POST   /_sandbox/backendless/apps/{appId}/import?allowNonEmpty=   ImportBackendlessArchive (multipart part file)
//	GET    /_sandbox/backendless/apps/{appId}/tables                  BackendlessTableCounts
//	GET    /_sandbox/backendless/apps/{appId}/files/{path}            BackendlessFile
//	DELETE /_sandbox/backendless/apps/{appId}/files/{path}            DeleteBackendlessFile
func (s *Backendless) routeBackendlessImportControl() {
	s.HandleControl("POST /_sandbox/backendless/apps/{appId}/import", func(w http.ResponseWriter, r *http.Request) {
		s.serveImport(w, r, r.PathValue("appId"), core.WriteSentinelError)
	})
	s.HandleControl("GET /_sandbox/backendless/apps/{appId}/tables", func(w http.ResponseWriter, r *http.Request) {
		counts := s.BackendlessTableCounts(r.PathValue("appId"))
		if counts == nil {
			core.WriteControlError(w, http.StatusNotFound, "no such 5.0 app")
			return
		}
		core.WriteJSON(w, http.StatusOK, counts)
	})
	s.HandleControl("GET /_sandbox/backendless/apps/{appId}/files/{path...}", func(w http.ResponseWriter, r *http.Request) {
		size, sum, ok := s.BackendlessFile(r.PathValue("appId"), r.PathValue("path"))
		writeDigest(w, r.PathValue("path"), size, sum, ok)
	})
	s.HandleControl("DELETE /_sandbox/backendless/apps/{appId}/files/{path...}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.DeleteBackendlessFile(r.PathValue("appId"), r.PathValue("path")); err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteEmpty(w, http.StatusNoContent)
	})
}
