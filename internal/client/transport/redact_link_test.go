package transport

import (
	"strings"
	"testing"
)

func TestJSONDoc_PresignedLinksLoseTheirCredentialButKeepIDs(t *testing.T) {
	r := NewRedactor()
	doc := `{"Url":{"Location":"https://storage.example.com/mendix/storage/e2ede626f3d9ac3c69f52ae25117f87a080bdfbd/Main%20line.mda","TTL":900},` +
		`"url":"https://bucket.s3.amazonaws.com/backup.tar.gz?X-Amz-Signature=abcdef0123456789&X-Amz-Expires=600",` +
		`"app":"https://cloud.example.com/apps/6f1a3c52-2b7e-4d0a-9c41-5a8e2f7b1c01"}`
	got, ok := r.jsonDoc([]byte(doc))
	if !ok {
		t.Fatal("not redacted as JSON")
	}
	for _, secret := range []string{"e2ede626f3d9ac3c69f52ae25117f87a080bdfbd", "abcdef0123456789"} {
		if strings.Contains(got, secret) {
			t.Errorf("%q survived redaction: %s", secret, got)
		}
	}
	for _, keep := range []string{"6f1a3c52-2b7e-4d0a-9c41-5a8e2f7b1c01", "Main%20line.mda", "X-Amz-Expires=600", "/mendix/storage/REDACTED/"} {
		if !strings.Contains(got, keep) {
			t.Errorf("%q should remain readable: %s", keep, got)
		}
	}
}
