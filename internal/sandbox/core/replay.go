package core

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
)

// replayMemLimit is how much of a request body a replay keeps in memory; larger bodies (uploads
// of archives) spill to a temporary file in the data directory.
const replayMemLimit = 1 << 20

// replayBody is a request body read once and readable again, for faults and holds that must
// run a handler on a request whose body the network has already delivered.
type replayBody struct {
	mem  []byte
	file string // temporary file holding the whole body when it outgrew replayMemLimit
}

// spoolBody reads r's body to the end into memory, or into a temporary file under the data
// directory when it is large (removed by remove; a crash leaves a *.tmp file that the next
// sandbox on the directory deletes). An error means the client's body broke off.
func (s *Core) spoolBody(r *http.Request) (*replayBody, error) {
	if !hasBody(r) {
		return &replayBody{}, nil
	}
	var head bytes.Buffer
	n, err := io.CopyN(&head, r.Body, replayMemLimit+1)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if n <= replayMemLimit {
		return &replayBody{mem: head.Bytes()}, nil
	}
	f, err := os.CreateTemp(s.opts.DataDir, "replay-*.tmp")
	if err != nil {
		return nil, err
	}
	_, err = f.Write(head.Bytes())
	if err == nil {
		_, err = io.Copy(f, r.Body)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return nil, err
	}
	return &replayBody{file: f.Name()}, nil
}

// open returns a fresh reader over the whole body.
func (b *replayBody) open() (io.ReadCloser, error) {
	if b.file != "" {
		return os.Open(b.file)
	}
	if len(b.mem) == 0 {
		return http.NoBody, nil
	}
	return io.NopCloser(bytes.NewReader(b.mem)), nil
}

// remove deletes the temporary file, if any.
func (b *replayBody) remove() {
	if b.file != "" {
		_ = os.Remove(b.file)
	}
}
