// Package core is the vendor-neutral part of the sandbox: the HTTP server and its loopback
// guard, the vendor mounts (one per emulated host, each answering errors in its host's style)
// with the request log and its redaction, the store that keeps every record in the data
// directory, asynchronous jobs that survive a restart, blobs for large contents, the fault
// injector and holds, fixture dispatch, the inventory plumbing and the /_sandbox/ control
// surface.
//
// It knows no vendor. A vendor package (internal/sandbox/backendless,
// internal/sandbox/mendix) implements Vendor; New calls its Attach, where it registers its
// mounts and routes (Core.Mount), job kinds (RegisterJobKind), control routes
// (HandleControl) and its Section: its records, its section of the fixture and of the
// inventory. Vendor handlers then use the exported methods: Read and Update for records,
// SubmitJob, PutBlob / OpenBlob / DeleteBlob, BaseURL, Logf, and the JSON and error helpers.
// Package sandbox assembles the core with both vendors.
//
// # Faults
//
// Each vendor request gets at most one fault; the n-th request's fault depends only on the seed
// and n. By name (FaultRule, the control surface):
//
//	500 502 503       answered before the handler runs: nothing happened
//	429               answered with Retry-After
//	reset_request     the connection closes part-way through the request body; the handler never runs
//	reset_response    the handler runs; the connection closes part-way through the answer's body
//	reset             scripted: the request body of an upload, else the answer; at random: either
//	                  (even odds) when the request has a body, else the answer
//	slow              served after SlowDelay
//	duplicate         delivered twice, as a retrying proxy does: the handler runs twice (the body is
//	                  replayed from memory or a temporary file in the data directory) and the client
//	                  sees the second answer; POSTs only unless a rule names another method
//	500_after 502_after 503_after
//	                  the handler runs (the side effect happens), then the answer is replaced
//	drop_answer       the handler runs, then the connection closes without a response byte
//	trickle           headers at once, then the body one byte every TrickleInterval
//	stall             the request is read and never answered, until the client gives up or Close
//
// # Holds
//
// Hold freezes matching vendor requests at a precise point so a crash test can kill the
// provider there: "before" (the request is read whole, the handler has not run) or "after" (the
// handler ran, its answer waits before the first byte). Held, WaitHeld and ReleaseHolds watch
// and end them; a client hanging up ends its hold (a before-held request is then never served)
// and Close ends every hold. Over HTTP: POST /_sandbox/holds {"method","path_prefix","when",
// "count"}, GET /_sandbox/holds[?wait=N&timeout=30s], DELETE /_sandbox/holds.
//
// # Inventory
//
// Each Section may count its objects (Section.Inventory); GET /_sandbox/inventory answers one
// JSON object with each section's count under its name, in the order the vendors attached,
// and "jobs": every job by kind and state (JobsByKind). JobCounts is the per-object count of
// jobs the vendors use.
//
// # Store
//
// Every record lives in memory, for fast reads, and in the data directory's embedded database
// (bbolt, state.db), one key per record: a vendor's Section lists its Collections (Slice, Map,
// Value over its State's fields), the core keeps the jobs. An Update declares the records it
// creates, changes or deletes (Tx.Touch, Tx.TouchAll), and the store writes exactly those in one
// database transaction, so a change writes what changed, not the whole state; when the update
// fails, or the write does, the declared records go back to their saved values. In test
// binaries every Update is checked: a record that changed without being declared panics with
// its name, so a forgotten Touch fails the tests instead of losing data at the next restart.
// Records keep their order (a slice is reloaded in the order its records were added), so a
// restart on the same data directory finds every app, job and blob as it was, and jobs in
// flight resume. A second sandbox on the same directory is refused while the first runs.
//
// A data directory written by an earlier sandbox (one state.json rewritten on every change) is
// imported once, when it is first opened: the records go into state.db, the file is kept as
// state.json.imported, and the log says so. Blobs (BlobDir) stay files, one per blob.
//
// # Routes, tags and documented-only mode
//
// Every vendor call is registered with Mount.Route under the tag its vendor reference notes
// give it: DOCUMENTED (the vendor's published docs), SDK (the vendor's own open-source SDK uses
// it), INFERRED (reasoned from those) or MODELED (no vendor API: designed here for a step the
// vendor offers only in its web console; the vendor packages' "modeled:" comments describe
// them), with the section of the notes it comes from. A GET route answers HEAD too, listed as
// its own call and tagged INFERRED, because no reference documents HEAD. Calls that differ
// only by a query parameter (?action=exists) are routes of their own. Routes (GET
// /_sandbox/routes[?vendor=&tag=]) is the table: vendor, host, method, pattern, query, tag,
// reference.
//
// With Options.DocumentedOnly the sandbox refuses every vendor call whose route is not tagged
// DOCUMENTED or SDK, before faults and holds: 403 in the host's error style, with the message
// "<call> is not a documented call (tag X): refused in documented-only mode (reference: ...)".
// Refused and RefusedCalls (GET /_sandbox/refused, and "refused" in GET /_sandbox/requests)
// count them, so a test can assert that a run made no call outside the documented APIs. A
// path no route serves is answered as usual; /_sandbox/ is never refused.
//
// # Poll lag
//
// How promptly a client notices that a job ended: each vendor route a client polls a job with
// reports every answer it gives (NoteStatusRead: the job, by its id or a key given to AliasJob,
// and whether the answer showed the job's final state). JobLags joins them with the jobs: when
// the job finished, the first read that showed its end (Seen) and the lag between the two
// (never below 0: a vendor may show the end a moment before the job record does), its reads in
// all and the reads up to Seen; SummarizeJobLags gives each kind's lag p50/p95/max, reads and
// durations. GET /_sandbox/jobs/lag[?kind=] answers {"kinds": {kind: summary}, "jobs": [...]}.
// The reads are kept in memory, not in the store: they cover one sandbox process. The routes
// that report (see the vendor packages) are the ones the provider polls: Backendless' archive
// status and the import's migration log (read with the console's file download), Mendix's
// Deploy v2 job, start job, Projects job and the Backups v2 snapshot, archive and restore by id.
//
// # Control surface
//
// /_sandbox/ is the sandbox's own API for tests, scripts and people: GET health, GET endpoints
// (Options.Endpoints), GET|POST|DELETE faults, GET|POST|DELETE holds, GET inventory, GET
// requests?method=&path_prefix= (count, faulted and refused), GET routes, GET refused, GET
// jobs, jobs/lag and jobs/{id}; vendors add their
// "what a person does by hand" routes with HandleControl. It has no authentication: the sandbox
// only ever listens on loopback (CheckLoopback). Faults and holds apply to the vendor mounts
// only, never to /_sandbox/.
//
// # Fixture format
//
// A fixture seeds an empty data directory; a directory that already holds state ignores it
// (it is still checked, so a broken fixture fails at start). It is one JSON object with one
// key per vendor section; each vendor checks its own section (see the vendor packages) and an
// unknown top-level key is refused, so that typos surface:
//
//	{
//	  "backendless": { ... },   see package backendless
//	  "mendix":      { ... }    see package mendix
//	}
//
// A missing or null section seeds that vendor with nothing; a nil fixture (Options.Fixture)
// seeds every vendor from its own default section (Section.DefaultFixture), which
// AssembleFixture joins into the default fixture document.
//
// # Fleets
//
// Every vendor section may describe many similar apps compactly with "fleets" (ExpandFleets): a
// fleet is a count and, under any of the section's list keys, templates of its entries. Member
// n = 1 … count of the fleet is each template with its placeholders replaced, appended to that
// list after the entries written out there, so the vendor checks and seeds it like any other
// entry (an error names the expanded list's index: fleet members follow the written entries):
//
//	"fleets": [{
//	  "count": 200,
//	  "apps":  [{"project_id": "{uuid:project}", "name": "Calc {n:3}"}],
//	  "nodes": [{"id": "node-v3-{n:3}", "subdomain": "calc-{n:3}", "linked_project_id": "{uuid:project}", ...}]
//	}]
//
//	{n}            the member's number; a string that is exactly "{n}" becomes the number (a seed)
//	{n:3}          the number zero-padded to 3 digits: 001, 002, …
//	{uuid:label}   a lower-case UUID, the same wherever the member uses the label and different
//	               for every member, label and fleet; it depends on nothing else (FleetUUID), so
//	               the same fixture gives the same ids everywhere
//	{UUID:label}   the same UUID in upper case
//
// A count is 1 to 10,000. The vendor packages show a fleet of their own apps.
package core
