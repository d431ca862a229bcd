package sandbox

import (
	"net/http"
)

// routeBackendlessImportControl mirrors the 5.0 helpers:
//
//	POST   /_sandbox/backendless/apps/{appId}/import?allowNonEmpty=   ImportBackendlessArchive (multipart part file)
//	GET    /_sandbox/backendless/apps/{appId}/tables                  BackendlessTableCounts
//	GET    /_sandbox/backendless/apps/{appId}/files/{path}            BackendlessFile
//	DELETE /_sandbox/backendless/apps/{appId}/files/{path}            DeleteBackendlessFile
func (s *Sandbox) routeBackendlessImportControl(mux *http.ServeMux) {
	mux.HandleFunc("POST /_sandbox/backendless/apps/{appId}/import", func(w http.ResponseWriter, r *http.Request) {
		s.serveImport(w, r, r.PathValue("appId"), writeSentinelError)
	})
	mux.HandleFunc("GET /_sandbox/backendless/apps/{appId}/tables", func(w http.ResponseWriter, r *http.Request) {
		counts := s.BackendlessTableCounts(r.PathValue("appId"))
		if counts == nil {
			writeControlError(w, http.StatusNotFound, "no such 5.0 app")
			return
		}
		writeJSON(w, http.StatusOK, counts)
	})
	mux.HandleFunc("GET /_sandbox/backendless/apps/{appId}/files/{path...}", func(w http.ResponseWriter, r *http.Request) {
		size, sum, ok := s.BackendlessFile(r.PathValue("appId"), r.PathValue("path"))
		writeDigest(w, r.PathValue("path"), size, sum, ok)
	})
	mux.HandleFunc("DELETE /_sandbox/backendless/apps/{appId}/files/{path...}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.DeleteBackendlessFile(r.PathValue("appId"), r.PathValue("path")); err != nil {
			writeSentinelError(w, err)
			return
		}
		writeEmpty(w, http.StatusNoContent)
	})
}
