package mendix

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path"
	"strconv"
	"strings"
	"time"
)

// Deployment packages and backup archives are generated deterministically from a seed, so a
// fixture describes megabytes of content in a few numbers and two sandboxes seeded from the
// same fixture serve the same bytes.

// mxPackageGen is how a fixture package's .mda is generated.
type mxPackageGen struct {
	Seed        int64  `json:"seed"`
	SizeBytes   int64  `json:"size_bytes"`
	ProjectID   string `json:"project_id"`
	ProjectName string `json:"project_name"`
}

// mxBackupGen is how a fixture snapshot's Full Snapshot archive is generated.
type mxBackupGen struct {
	Seed      int64  `json:"seed"`
	DBTables  int    `json:"db_tables"`
	DBRows    int64  `json:"db_rows"`
	Files     int    `json:"files"`
	FileBytes int64  `json:"file_bytes"`
	Model     string `json:"model_version"`
}

// mxGenTime is the modification time written into generated archives: fixed by the seed, so
// the bytes do not depend on when a data directory was seeded.
func mxGenTime(seed int64) time.Time {
	return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(seed%86400) * time.Second)
}

// mxMDAMetadata is model/metadata.json inside an .mda. modeled: the sandbox reads the model's
// versions, constants and scheduled events from this file, the one the Mendix runtime tooling
// reads them from; the rest of the package is opaque to it.
type mxMDAMetadata struct {
	ProjectID       string       `json:"ProjectID"`
	ProjectName     string       `json:"ProjectName"`
	ModelVersion    string       `json:"ModelVersion"`
	RuntimeVersion  string       `json:"RuntimeVersion"`
	Constants       []mxConstDef `json:"Constants"`
	ScheduledEvents []mxEventDef `json:"ScheduledEvents"`
}

// mdaMetadataPath is where an .mda keeps its model description.
const mdaMetadataPath = "model/metadata.json"

// newSeededBytes is an endless stream of bytes from a seed: incompressible, like real file
// content, and fast (ChaCha8 fills whole buffers).
func newSeededBytes(seed int64, stream uint64) io.Reader {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[0:], uint64(seed))
	binary.LittleEndian.PutUint64(key[8:], stream)
	return rand.NewChaCha8(key)
}

// writeMxPackage writes a fixture package's .mda: a zip whose model/metadata.json describes
// the model and whose model file pads it to about SizeBytes.
func writeMxPackage(w io.Writer, p *mxPackage) error {
	if p.Gen == nil {
		return errors.New("package has no generator")
	}
	meta := mxMDAMetadata{
		ProjectID: p.Gen.ProjectID, ProjectName: p.Gen.ProjectName,
		ModelVersion: p.ModelVersion, RuntimeVersion: p.MendixVersion,
		Constants: p.Constants, ScheduledEvents: p.ScheduledEvents,
	}
	if meta.Constants == nil {
		meta.Constants = []mxConstDef{}
	}
	if meta.ScheduledEvents == nil {
		meta.ScheduledEvents = []mxEventDef{}
	}
	metaJSON, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	index := fmt.Sprintf("<!doctype html>\n<title>%s</title>\n<p>%s %s (Mendix %s)</p>\n", p.Gen.ProjectName, p.Gen.ProjectName, p.ModelVersion, p.MendixVersion)
	mod := mxGenTime(p.Gen.Seed)
	zw := zip.NewWriter(w)
	add := func(name string, r io.Reader) error {
		// Stored, not deflated: deterministic, and an .mda's bulk (jars, images) hardly compresses.
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: mod})
		if err != nil {
			return err
		}
		_, err = io.Copy(fw, r)
		return err
	}
	if err := add(mdaMetadataPath, bytes.NewReader(metaJSON)); err != nil {
		return err
	}
	if err := add("web/index.html", strings.NewReader(index)); err != nil {
		return err
	}
	filler := max(p.Gen.SizeBytes-int64(len(metaJSON))-int64(len(index))-1024, 0)
	if err := add("model/model.mdp", io.LimitReader(newSeededBytes(p.Gen.Seed, 1), filler)); err != nil {
		return err
	}
	return zw.Close()
}

// readMDAMetadata reads the model description of an uploaded .mda; the error explains why a
// package cannot be processed.
func readMDAMetadata(ra io.ReaderAt, size int64) (mxMDAMetadata, error) {
	var meta mxMDAMetadata
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return meta, fmt.Errorf("the package is not a valid .mda (zip) file: %v", err)
	}
	for _, f := range zr.File {
		if f.Name != mdaMetadataPath {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return meta, fmt.Errorf("%s: %v", mdaMetadataPath, err)
		}
		defer rc.Close()
		dec := json.NewDecoder(io.LimitReader(rc, 4<<20))
		if err := dec.Decode(&meta); err != nil {
			return meta, fmt.Errorf("%s is not valid JSON: %v", mdaMetadataPath, err)
		}
		if meta.ModelVersion == "" || meta.RuntimeVersion == "" {
			return meta, fmt.Errorf("%s names no ModelVersion or RuntimeVersion", mdaMetadataPath)
		}
		for _, c := range meta.Constants {
			if c.Name == "" {
				return meta, fmt.Errorf("%s: a constant has no Name", mdaMetadataPath)
			}
		}
		for _, e := range meta.ScheduledEvents {
			if e.Name == "" {
				return meta, fmt.Errorf("%s: a scheduled event has no Name", mdaMetadataPath)
			}
		}
		return meta, nil
	}
	return meta, fmt.Errorf("the package has no %s", mdaMetadataPath)
}

// --- backup archives (mendix-cloud-api.md §5.5, restore-backup page: a Full Snapshot is a
// .tar.gz holding .metadata, db/db.backup and tree/<xx>/<yy>/<uuid> file objects) ---

// pgdmpHeader starts the database dump: pg_dump's custom-format magic "PGDMP", archive version
// 1.14.0, int size 4, offset size 8, format 1 (custom). The rest of db/db.backup is a
// sandbox stand-in (COPY blocks), not a real pg_dump body.
var pgdmpHeader = []byte{'P', 'G', 'D', 'M', 'P', 1, 14, 0, 4, 8, 1}

// mxMaxDumpMinor is the newest pg_dump archive version (1.x) the sandbox accepts. modeled: the
// docs only say newer pg_dump archive versions are rejected.
const mxMaxDumpMinor = 15

var mxTableNames = []string{"system$user", "mymodule$customer", "mymodule$order", "mymodule$orderline", "mymodule$product", "mymodule$invoice", "administration$account"}

func mxTableName(i int) string {
	n := mxTableNames[i%len(mxTableNames)]
	if i >= len(mxTableNames) {
		n += strconv.Itoa(i / len(mxTableNames))
	}
	return n
}

// writeMxDump writes the stand-in database dump of g.
func writeMxDump(w io.Writer, g mxBackupGen) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	rng := rand.New(rand.NewPCG(uint64(g.Seed), 2))
	_, _ = bw.Write(pgdmpHeader)
	_, _ = bw.WriteString("\n-- appmigrate sandbox stand-in for a pg_dump custom-format archive (pg_dump -O -x -Fc)\n")
	tables := g.DBTables
	if tables <= 0 && g.DBRows > 0 {
		tables = 1
	}
	var id int64
	line := make([]byte, 0, 96)
	for t := range tables {
		rows := g.DBRows / int64(tables)
		if t == 0 {
			rows += g.DBRows % int64(tables)
		}
		fmt.Fprintf(bw, "COPY public.%q (id, name, amount, note) FROM stdin;\n", mxTableName(t))
		for range rows {
			id++
			// id, name, amount, note: formatted by hand, as a dump of millions of rows must be quick.
			line = strconv.AppendInt(line[:0], id, 10)
			line = append(line, "\trecord-"...)
			line = strconv.AppendInt(line, id, 10)
			line = append(line, '\t')
			line = strconv.AppendInt(line, int64(rng.IntN(100000)), 10)
			cents := rng.IntN(100)
			line = append(line, '.', byte('0'+cents/10), byte('0'+cents%10), '\t')
			line = appendHex16(line, rng.Uint64())
			line = append(line, '\n')
			_, _ = bw.Write(line)
		}
		_, _ = bw.WriteString("\\.\n")
	}
	return bw.Flush()
}

// appendHex16 appends v as 16 lower-case hex digits.
func appendHex16(b []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, digits[(v>>uint(shift))&0xf])
	}
	return b
}

// mxDumpSize is the length of g's dump, computed by generating it.
func mxDumpSize(g mxBackupGen) int64 {
	var c countingWriter
	_ = writeMxDump(&c, g)
	return c.n
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// mxFileObject is one generated file object.
type mxFileObject struct {
	name string
	size int64
}

// mxFileObjects lays out g's file objects: Files objects whose sizes vary but add up to
// exactly FileBytes.
func mxFileObjects(g mxBackupGen) []mxFileObject {
	if g.Files <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(g.Seed), 3))
	weights := make([]int64, g.Files)
	var sum int64
	for i := range weights {
		weights[i] = 1 + rng.Int64N(100)
		sum += weights[i]
	}
	out := make([]mxFileObject, g.Files)
	var used int64
	for i := range out {
		var b [16]byte
		binary.LittleEndian.PutUint64(b[:8], rng.Uint64())
		binary.LittleEndian.PutUint64(b[8:], rng.Uint64())
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		id := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
		size := g.FileBytes * weights[i] / sum
		if i == len(out)-1 {
			size = g.FileBytes - used
		}
		used += size
		out[i] = mxFileObject{name: "tree/" + id[0:2] + "/" + id[2:4] + "/" + id, size: size}
	}
	return out
}

// mxBackupMetadata is the .metadata document; every field is a string (restore-backup page).
type mxBackupMetadata struct {
	Duration     string `json:"duration"`
	DumpSize     string `json:"dumpSize"`
	ModelVersion string `json:"modelVersion"`
	DatabaseSize string `json:"databaseSize"`
	FilesSize    string `json:"filesSize"`
}

// writeMxBackup writes g's Full Snapshot archive.
func writeMxBackup(w io.Writer, g mxBackupGen) error {
	dumpSize := mxDumpSize(g)
	files := mxFileObjects(g)
	meta, err := json.Marshal(mxBackupMetadata{
		Duration:     strconv.FormatInt(1+dumpSize/(1<<20), 10),
		DumpSize:     strconv.FormatInt(dumpSize, 10),
		ModelVersion: g.Model,
		DatabaseSize: strconv.FormatInt(dumpSize*3+8<<20, 10),
		FilesSize:    strconv.FormatInt(g.FileBytes, 10),
	})
	if err != nil {
		return err
	}
	mod := mxGenTime(g.Seed)
	gz, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	hdr := func(name string, size int64) error {
		return tw.WriteHeader(&tar.Header{Name: name, Size: size, Mode: 0o644, ModTime: mod, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR})
	}
	if err := hdr(".metadata", int64(len(meta))); err != nil {
		return err
	}
	if _, err := tw.Write(meta); err != nil {
		return err
	}
	if err := hdr("db/db.backup", dumpSize); err != nil {
		return err
	}
	if err := writeMxDump(tw, g); err != nil {
		return err
	}
	for i, f := range files {
		if err := hdr(f.name, f.size); err != nil {
			return err
		}
		if _, err := io.CopyN(tw, newSeededBytes(g.Seed, uint64(100+i)), f.size); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// mxBackupInfo is what inspecting an archive found.
type mxBackupInfo struct {
	HasDB        bool
	DBTables     int
	DBRows       int64
	DBBytes      int64
	Files        int
	FileBytes    int64
	ModelVersion string
}

// countMxDump checks a database dump's header and counts its tables and rows.
func countMxDump(r io.Reader) (tables int, rows, size int64, err error) {
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 64<<10)
	head := make([]byte, len(pgdmpHeader))
	if _, err := io.ReadFull(br, head); err != nil || !bytes.HasPrefix(head, []byte("PGDMP")) {
		return 0, 0, 0, errors.New("db/db.backup is not a PostgreSQL custom-format dump (no PGDMP header)")
	}
	if head[5] != 1 || head[6] > mxMaxDumpMinor {
		return 0, 0, 0, fmt.Errorf("db/db.backup was written by a newer pg_dump (archive version %d.%d); versions up to 1.%d are supported", head[5], head[6], mxMaxDumpMinor)
	}
	inCopy := false
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			switch {
			case !inCopy && bytes.HasPrefix(line, []byte("COPY ")):
				inCopy = true
				tables++
			case inCopy && bytes.Equal(bytes.TrimRight(line, "\r\n"), []byte(`\.`)):
				inCopy = false
			case inCopy:
				rows++
			}
			// Only line starts matter: skip the rest of a line longer than the buffer.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, 0, 0, fmt.Errorf("db/db.backup: %v", err)
		}
	}
	return tables, rows, cr.n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// inspectMxBackup reads an uploaded backup: a Full Snapshot .tar.gz or a database-only dump
// (the restore-backup page: upload accepts a .db or .gz file). The error says why the
// portal would refuse it.
func inspectMxBackup(r io.Reader) (mxBackupInfo, error) {
	var info mxBackupInfo
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(5)
	switch {
	case bytes.HasPrefix(magic, []byte("PGDMP")):
		t, rows, size, err := countMxDump(br)
		if err != nil {
			return info, err
		}
		info.HasDB, info.DBTables, info.DBRows, info.DBBytes = true, t, rows, size
		return info, nil
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
	default:
		return info, errors.New("the file is neither a .tar.gz backup archive nor a database dump")
	}
	gz, err := gzip.NewReader(br)
	if err != nil {
		return info, fmt.Errorf("the archive is not valid gzip: %v", err)
	}
	tr := tar.NewReader(gz)
	var meta *mxBackupMetadata
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return info, fmt.Errorf("the archive is corrupt: %v", err)
		}
		name := strings.TrimPrefix(h.Name, "./")
		if path.IsAbs(name) || strings.HasPrefix(path.Clean(name), "..") {
			return info, fmt.Errorf("the archive holds an unsafe path %q", h.Name)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		switch {
		case name == ".metadata":
			var m mxBackupMetadata
			raw, err := io.ReadAll(io.LimitReader(tr, 64<<10))
			if err != nil {
				return info, fmt.Errorf("the archive is corrupt: %v", err)
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return info, fmt.Errorf(".metadata is not the expected JSON document (string fields duration, dumpSize, modelVersion, databaseSize, filesSize): %v", err)
			}
			meta = &m
		case name == "db/db.backup":
			t, rows, size, err := countMxDump(tr)
			if err != nil {
				return info, err
			}
			info.HasDB, info.DBTables, info.DBRows, info.DBBytes = true, t, rows, size
		case strings.HasPrefix(name, "tree/"):
			parts := strings.Split(name, "/")
			if len(parts) != 4 || len(parts[1]) != 2 || len(parts[2]) != 2 || parts[3] == "" {
				return info, fmt.Errorf("file object %q is not laid out as tree/<xx>/<yy>/<name>", h.Name)
			}
			n, err := io.Copy(io.Discard, tr)
			if err != nil {
				return info, fmt.Errorf("the archive is corrupt: %v", err)
			}
			info.Files++
			info.FileBytes += n
		}
	}
	// Read to the end of the gzip stream so its checksum is verified too.
	if _, err := io.Copy(io.Discard, gz); err != nil {
		return info, fmt.Errorf("the archive is corrupt: %v", err)
	}
	if meta == nil {
		return info, errors.New("the archive has no .metadata file: it is not a Mendix backup")
	}
	info.ModelVersion = meta.ModelVersion
	if meta.DumpSize != "" && info.HasDB && meta.DumpSize != strconv.FormatInt(info.DBBytes, 10) {
		return info, fmt.Errorf(".metadata says dumpSize %s but db/db.backup holds %d bytes", meta.DumpSize, info.DBBytes)
	}
	if meta.FilesSize != "" && info.Files > 0 && meta.FilesSize != strconv.FormatInt(info.FileBytes, 10) {
		return info, fmt.Errorf(".metadata says filesSize %s but the file objects hold %d bytes", meta.FilesSize, info.FileBytes)
	}
	return info, nil
}

// writeMxBackupPart derives a Database-only dump ("db") or a Files-only archive ("files")
// from a Full Snapshot archive.
func writeMxBackupPart(w io.Writer, full io.Reader, part string) error {
	gz, err := gzip.NewReader(bufio.NewReaderSize(full, 64<<10))
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	var out *tar.Writer
	var outGz *gzip.Writer
	if part == mxPartFiles {
		outGz, _ = gzip.NewWriterLevel(w, gzip.BestSpeed)
		out = tar.NewWriter(outGz)
	}
	found := false
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(h.Name, "./")
		switch {
		case part == mxPartDB && name == "db/db.backup":
			if _, err := io.Copy(w, tr); err != nil {
				return err
			}
			return nil
		case part == mxPartFiles && (strings.HasPrefix(name, "tree/") || name == ".metadata"):
			found = true
			if err := out.WriteHeader(h); err != nil {
				return err
			}
			if _, err := io.Copy(out, tr); err != nil {
				return err
			}
		}
	}
	if part == mxPartDB {
		return errors.New("the snapshot has no database dump")
	}
	if !found {
		return errors.New("the snapshot has no file objects")
	}
	if err := out.Close(); err != nil {
		return err
	}
	return outGz.Close()
}

// Snapshot parts a download URL can name.
const (
	mxPartFull  = "full"
	mxPartDB    = "db"
	mxPartFiles = "files"
)
