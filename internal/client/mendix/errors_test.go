package mendix

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

func TestDecodeError_DeployBodyWithContractFields(t *testing.T) {
	e := decodeError("op", 403, []byte(`{"errorCode":"APP_IS_RUNNING","errorMessage":"must be stopped"}`), styleDeploy)
	if e.Code != "APP_IS_RUNNING" || e.Message != "must be stopped" {
		t.Fatalf("got code %q message %q", e.Code, e.Message)
	}
	if !strings.Contains(e.Error(), "HTTP 403 APP_IS_RUNNING: must be stopped") {
		t.Fatalf("Error() = %q", e.Error())
	}
}

func TestDecodeError_DeployCodeFoundWhateverTheField(t *testing.T) {
	for _, body := range []string{
		`{"ErrorCode":"PACKAGE_IN_USE","Message":"in use"}`,
		`{"error":"Package in use","detail":"PACKAGE_IN_USE"}`,
		`PACKAGE_IN_USE: the package is deployed`,
	} {
		err := error(decodeError("op", 409, []byte(body), styleDeploy))
		if !HasCode(err, "PACKAGE_IN_USE") {
			t.Errorf("%s: code not found (%v)", body, err)
		}
	}
}

func TestDecodeError_SpaceInCodeIsKept(t *testing.T) {
	e := decodeError("op", 503, []byte(`{"errorCode":"SERVICE UNAVAILABLE","errorMessage":"MDA is still being processed"}`), styleDeploy)
	if e.Code != "SERVICE UNAVAILABLE" || !IsRetryLater(e) {
		t.Fatalf("got %q, retry later %v", e.Code, IsRetryLater(e))
	}
}

func TestDecodeError_V4InvalidParams(t *testing.T) {
	e := decodeError("op", 400, []byte(`{"error":{"code":400,"message":"bad","invalid-params":[{"name":"name","reason":"must not be empty"}]}}`), styleV4)
	if e.Message != "bad" || len(e.InvalidParams) != 1 || e.InvalidParams[0].Name != "name" {
		t.Fatalf("got %+v", e)
	}
	if !strings.Contains(e.Error(), "name: must not be empty") {
		t.Fatalf("Error() = %q", e.Error())
	}
}

func TestDecodeError_ProjectsDetailJoinsMessage(t *testing.T) {
	e := decodeError("op", 409, []byte(`{"error":{"message":"Conflict","detail":"App is linked to a licensed node","code":409,"instance":"/v2/projects/x"}}`), styleV4)
	if !strings.Contains(e.Message, "linked to a licensed node") || !IsLinked(e) {
		t.Fatalf("got %+v", e)
	}
}

func TestDecodeError_StorageXML(t *testing.T) {
	e := decodeError("op", 403, []byte(`<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`), styleStorage)
	if e.Code != "AccessDenied" || e.Message != "Request has expired" {
		t.Fatalf("got %+v", e)
	}
}

func TestErrorHelpers_OnlyMendixErrors(t *testing.T) {
	plain := errors.New("APP_IS_RUNNING")
	if HasCode(plain, "APP_IS_RUNNING") || IsNotFound(plain) || StatusOf(plain) != 0 {
		t.Fatal("helpers must only match *Error")
	}
	wrapped := errors.Join(errors.New("context"), &Error{Status: http.StatusNotFound, Code: "APP_NOT_FOUND"})
	if !IsNotFound(wrapped) {
		t.Fatal("a wrapped 404 is still a 404")
	}
}

// Only a 404 in a Mendix API's own error shape proves absence; an empty, HTML or plain-text 404 (a
// wrong base URL, a proxy or gateway) does not, whichever API family's decoder reads it.
func TestIsNotFound_OnlyAVendorShaped404IsProof(t *testing.T) {
	for _, c := range []struct {
		style  errorStyle
		body   string
		proven bool
	}{
		{styleDeploy, `{"errorCode":"APP_NOT_FOUND","errorMessage":"App not found"}`, true},
		{styleDeploy, `ENVIRONMENT_NOT_FOUND`, true},
		{styleV4, `{"error":{"code":404,"message":"Environment x not found"}}`, true},
		{styleV4, `{"error":{"code":"NOT_FOUND","message":"Project p not found"}}`, true},
		{styleStorage, `<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>`, true},
		{styleDeploy, ``, false},
		{styleDeploy, `404 page not found`, false},
		{styleDeploy, `<html><head><title>404 Not Found</title></head><body><h1>NOT_FOUND</h1>nginx</body></html>`, false},
		{styleV4, `{"message":"no Route matched with those values"}`, false},
		{styleV4, ``, false},
		{styleStorage, ``, false},
	} {
		err := decodeError("op", http.StatusNotFound, []byte(c.body), c.style)
		if IsNotFound(err) != c.proven || IsBareNotFound(err) == c.proven {
			t.Errorf("style %d, body %q: IsNotFound = %v, IsBareNotFound = %v; want proven %v", c.style, c.body, IsNotFound(err), IsBareNotFound(err), c.proven)
		}
	}
}

func TestError_TransientForOutagesNotForDocumentedPermanentCodes(t *testing.T) {
	for _, c := range []struct {
		status int
		body   string
		want   bool
	}{
		{429, `{"errorCode":"TOO_MANY_REQUESTS"}`, true},
		{500, `{"errorCode":"INTERNAL_SERVER_ERROR","errorMessage":"snapshot still being made"}`, true},
		{502, `<html>bad gateway</html>`, true},
		{503, `{"errorCode":"SERVICE UNAVAILABLE"}`, true},
		{500, `{"errorCode":"MISSING_CONSTANT"}`, false},
		{500, `{"errorCode":"NO_MDA_HAS_BEEN_DEPLOYED"}`, false},
		{500, `{"errorCode":"INVALID_SCHEDULED_EVENT_PARAMETER"}`, false},
		{400, `{"errorCode":"ENVIRONMENT_BUSY"}`, false},
		{404, `{"errorCode":"APP_NOT_FOUND"}`, false},
	} {
		e := decodeError("op", c.status, []byte(c.body), styleDeploy)
		if e.Transient() != c.want || transport.IsTransient(e) != c.want {
			t.Errorf("%d %s: transient %v, want %v", c.status, c.body, e.Transient(), c.want)
		}
		if got := finalAnswer(c.status, []byte(c.body)); got != (c.status >= 500 && !c.want) {
			t.Errorf("%d %s: final %v", c.status, c.body, got)
		}
	}
}
