// Package sandbox is a local emulator of the vendor APIs the provider drives: the Backendless
// console and client REST hosts and (later) the Mendix Deploy, Cloud and Projects hosts.
//
// It is a real service, not a stub: state (developers, apps, sessions, jobs) lives in a data
// directory and survives a restart, long operations run as asynchronous jobs, and a fault
// injector can make any vendor call fail the way networks and vendors do (5xx, 429 with
// Retry-After, connection resets part-way through a body, slow answers), at random by rate and
// seed or scripted for one test. Tests run it in-process (New, Handler or Start); the
// appmigrate-sandbox command runs it for demos and users' rehearsals.
//
// Vendor behaviour follows ../shared/reference/*.md; each handler cites the section it comes
// from. Behaviour with no vendor documentation is marked "modeled:" in comments, so a user knows
// which calls to verify against a live account. The sandbox never imports the provider's clients
// or any Terraform package: it must be an independent witness of what the clients send.
//
// # Layout
//
// Every vendor host is one mount below the sandbox URL (see Endpoints):
//
//	/backendless/console   develop.backendless.com (Backendless console API)
//	/backendless/api       api.backendless.com, the 5.x client REST host
//	/backendless3/api      api.backendless.com as the 3.x apps see it
//	/mendix/deploy         deploy.mendix.com (/api/1 and /api/v2 below it)
//	/mendix/cloud          cloud.home.mendix.com (/api/v4 below it)
//	/mendix/projects       projects-api.home.mendix.com (/v2 below it)
//	/_sandbox/             control surface for tests and people: health, endpoints, scripted
//	                       faults, request counts, jobs, and "what a human does in the web
//	                       console" (create or delete an app out of band). No authentication:
//	                       the sandbox only ever listens on loopback.
//
// Faults apply to the vendor mounts only, never to /_sandbox/.
//
// # Fixture format
//
// A fixture seeds an empty data directory; a directory that already holds state ignores it.
// Unknown keys are rejected so that typos surface. Top-level keys:
//
//	{
//	  "backendless": {
//	    "developers": [
//	      {"login": "dev@example.com", "password": "sandbox-password",
//	       "name": "Sandbox Developer", "two_factor": false}
//	    ],
//	    "apps": [
//	      {"owner": "dev@example.com", "name": "existing-app", "zone": "US",
//	       "id": "optional fixed id", "rest_api_key": "optional fixed key",
//	       "created": "2024-01-02T03:04:05Z"}
//	    ],
//	    "legacy_apps": []
//	  },
//	  "mendix": {}
//	}
//
// backendless.developers are console accounts (login is an e-mail address, compared without
// regard to case; two_factor makes login answer otpCreated without a token, as §3.1 of the
// Backendless notes describes). backendless.apps are Backendless 5.0 apps that already exist;
// omitted ids, keys and times are generated. backendless.legacy_apps (3.x apps with versions,
// tables and files) and mendix are reserved for the surfaces that serve them and are accepted
// but not yet used.
//
// The embedded default fixture (DefaultFixture) holds two developers, dev@example.com /
// sandbox-password and other@example.com / other-password, and no 5.0 apps.
package sandbox
