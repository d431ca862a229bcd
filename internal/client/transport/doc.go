// Package transport is the HTTP machinery shared by the vendor API clients (Backendless, Mendix,
// backup stores): retries with capped, jittered backoff; a strict rule for retrying calls that
// create things; redaction of every secret before anything reaches a log line or an error; streaming
// copies whose memory use does not grow with the object size; and a poller for long-running jobs.
//
// It deliberately knows nothing about Terraform so that the clients stay testable on their own: the
// provider adapts Logger to tflog and turns the error types into diagnostics.
//
// Why the pieces look the way they do:
//
//   - Request bodies are BodyFunc/Source openers, never readers, because go-retryablehttp reads a plain
//     io.Reader fully into memory so it can replay it (go-retryablehttp #145). An opener is called once
//     per attempt and the previous attempt's body is closed first, so at most one source is open.
//   - A server's Retry-After is honoured but capped (Options.MaxRetryAfter), because an unbounded
//     Retry-After can park an apply for hours (go-retryablehttp #247).
//   - Non-idempotent calls (Request.Unsafe) are only retried when the failure proves the server never
//     saw them, or when a vendor lookup (NotDone) proves nothing happened; otherwise a retry could
//     create a second app or start a second migration. When the attempt timed out, the lookup is
//     repeated for up to IdleTimeout first: a request held by a proxy or a stalled connection can
//     land after the first look found nothing.
//   - A 400 written by the server's HTTP layer (Connection: close, not JSON) answers a request that
//     arrived in part, not the vendor's judgement of it: it is retried like a broken connection.
//   - Redaction works on literal values as well as on names, because vendor URLs carry keys in their
//     path (Backendless REST keys) where no name-based rule can spot them.
package transport
