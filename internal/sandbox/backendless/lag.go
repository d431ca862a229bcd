package backendless

import (
	"bytes"
	"net/http"
	"strings"
)

// Poll lag (core.NoteStatusRead): a client follows an archive job through its status route and
// an import through its migration log, read with the console's file download. Both report each
// answer to the core, with whether it showed the job's end.

// importLogID is the import id of a migration log's path ("migration/import-<id>.log").
func importLogID(p string) (string, bool) {
	name, ok := strings.CutPrefix(p, bkImportLogDir+"/import-")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(name, ".log")
}

// logTailWriter keeps the end of a migration log as it is served, to tell whether the reader saw
// the final line.
type logTailWriter struct {
	http.ResponseWriter
	tail []byte
}

// logTail is how much of a log's end logTailWriter keeps: more than its final line.
const logTail = 128

// Write passes p on and keeps the last logTail bytes.
func (w *logTailWriter) Write(p []byte) (int, error) {
	w.tail = append(w.tail, p...)
	if len(w.tail) > logTail {
		w.tail = append(w.tail[:0], w.tail[len(w.tail)-logTail:]...)
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap exposes the underlying writer to http.ResponseController.
func (w *logTailWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// showsEnd reports whether the served log ended with its final line (MIGRATION COMPLETED or
// MIGRATION FAILED).
func (w *logTailWriter) showsEnd() bool {
	line := bytes.TrimRight(w.tail, "\n")
	if i := bytes.LastIndexByte(line, '\n'); i >= 0 {
		line = line[i+1:]
	}
	return bytes.HasSuffix(line, []byte("MIGRATION COMPLETED")) || bytes.HasSuffix(line, []byte("MIGRATION FAILED"))
}
