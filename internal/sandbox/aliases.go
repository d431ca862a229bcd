package sandbox

import (
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/mendix"
)

// The sandbox's public types live in the package that implements them; these names keep the
// API of one package for callers.

// Core types: faults, holds, jobs and the inventory's job counts.
type (
	// FaultOptions injects faults at random by rate (core.FaultOptions).
	FaultOptions = core.FaultOptions
	// Fault is one way a vendor call can go wrong (core.Fault).
	Fault = core.Fault
	// FaultRule is one scripted fault (core.FaultRule).
	FaultRule = core.FaultRule
	// HoldRule freezes matching vendor requests (core.HoldRule).
	HoldRule = core.HoldRule
	// HeldRequest is a request a hold is blocking now (core.HeldRequest).
	HeldRequest = core.HeldRequest
	// Job is one asynchronous operation (core.Job).
	Job = core.Job
	// JobState is where a job is in its life (core.JobState).
	JobState = core.JobState
	// JobCounts counts the jobs of one kind for one object (core.JobCounts).
	JobCounts = core.JobCounts
	// JobLag is one job's poll lag and status reads (core.JobLag).
	JobLag = core.JobLag
	// JobLagSummary is the poll lag of one kind of job (core.JobLagSummary).
	JobLagSummary = core.JobLagSummary
	// Route is one vendor call the sandbox serves, with its tag (core.Route).
	Route = core.Route
	// Tag says what a route rests on: DOCUMENTED, SDK, INFERRED or MODELED (core.Tag).
	Tag = core.Tag
	// RefusedCall is a vendor call documented-only mode refused (core.RefusedCall).
	RefusedCall = core.RefusedCall
)

// Route tags (see core.Tag).
const (
	Documented = core.Documented
	SDK        = core.SDK
	Inferred   = core.Inferred
	Modeled    = core.Modeled
)

// Faults a test can script or the random injector can pick (see core.Fault).
const (
	FaultNone          = core.FaultNone
	Fault500           = core.Fault500
	Fault502           = core.Fault502
	Fault503           = core.Fault503
	Fault429           = core.Fault429
	FaultReset         = core.FaultReset
	FaultSlow          = core.FaultSlow
	FaultResetRequest  = core.FaultResetRequest
	FaultResetResponse = core.FaultResetResponse
	FaultDuplicate     = core.FaultDuplicate
	Fault500After      = core.Fault500After
	Fault502After      = core.Fault502After
	Fault503After      = core.Fault503After
	FaultDropAnswer    = core.FaultDropAnswer
	FaultTrickle       = core.FaultTrickle
	FaultStall         = core.FaultStall
)

// When a hold freezes a request (HoldRule.When).
const (
	HoldBefore = core.HoldBefore
	HoldAfter  = core.HoldAfter
)

// Job states.
const (
	JobQueued    = core.JobQueued
	JobRunning   = core.JobRunning
	JobCompleted = core.JobCompleted
	JobFailed    = core.JobFailed
)

// Errors the in-process helpers wrap, so tests and the control surface can tell cases apart
// with errors.Is.
var (
	ErrNotFound = core.ErrNotFound
	ErrConflict = core.ErrConflict
	ErrInvalid  = core.ErrInvalid
)

// FaultProfile returns the fault options of a named profile (core.FaultProfile).
func FaultProfile(name string) (FaultOptions, error) { return core.FaultProfile(name) }

// FaultProfileNames lists the fault profiles, sorted.
func FaultProfileNames() []string { return core.FaultProfileNames() }

// ParseFault reads a fault name (core.ParseFault).
func ParseFault(name string) (Fault, error) { return core.ParseFault(name) }

// Backendless types (package backendless).
type (
	// BackendlessDeveloper is a console account.
	BackendlessDeveloper = backendless.BackendlessDeveloper
	// BackendlessApp is a 5.0 app as the console shows it.
	BackendlessApp = backendless.BackendlessApp
	// LegacyApp is a 3.x app as the control surface shows it.
	LegacyApp = backendless.LegacyApp
	// LegacyVersion is one version of a 3.x app.
	LegacyVersion = backendless.LegacyVersion
	// MigrationArchiveStatus is a 3.x migration-archive job as the control surface shows it.
	MigrationArchiveStatus = backendless.MigrationArchiveStatus
	// ImportOptions are the import page's choices.
	ImportOptions = backendless.ImportOptions
	// BackendlessInventory is the Backendless side of the inventory.
	BackendlessInventory = backendless.BackendlessInventory
	// BackendlessAppInventory is what one 5.0 app holds.
	BackendlessAppInventory = backendless.BackendlessAppInventory
)

// How CorruptLegacyFile damages an archive.
const (
	CorruptNotZip           = backendless.CorruptNotZip
	CorruptEscapeEntry      = backendless.CorruptEscapeEntry
	CorruptManifestMismatch = backendless.CorruptManifestMismatch
)

// BackendlessImportLogPath is where the import with importID writes its migration log.
func BackendlessImportLogPath(importID string) string {
	return backendless.BackendlessImportLogPath(importID)
}

// Mendix types (package mendix).
type (
	// MendixUser is a Mendix platform account.
	MendixUser = mendix.MendixUser
	// MendixApp is a Mendix app (a Portal project).
	MendixApp = mendix.MendixApp
	// MendixNode is a Cloud node.
	MendixNode = mendix.MendixNode
	// MendixEnvironmentBrief is an environment as a node lists it.
	MendixEnvironmentBrief = mendix.MendixEnvironmentBrief
	// MendixEnvironment is one environment with its settings.
	MendixEnvironment = mendix.MendixEnvironment
	// MendixSetting is a constant, scheduled event or custom setting of an environment.
	MendixSetting = mendix.MendixSetting
	// MendixSettingKind names a kind of environment setting.
	MendixSettingKind = mendix.MendixSettingKind
	// MendixPackage is a deployment package in a node's repository.
	MendixPackage = mendix.MendixPackage
	// MendixRestore is a restore an environment received.
	MendixRestore = mendix.MendixRestore
	// MendixArchiveDigest is the size and SHA-256 of a backup archive.
	MendixArchiveDigest = mendix.MendixArchiveDigest
	// MendixInventory is the Mendix side of the inventory.
	MendixInventory = mendix.MendixInventory
	// MendixNodeInventory is one Cloud node in the inventory.
	MendixNodeInventory = mendix.MendixNodeInventory
	// MendixEnvironmentInventory is one environment of a node in the inventory.
	MendixEnvironmentInventory = mendix.MendixEnvironmentInventory
	// MendixRestoredData is what a restore left in an environment.
	MendixRestoredData = mendix.MendixRestoredData
)

// Kinds of environment settings.
const (
	MendixConstant       = mendix.MendixConstant
	MendixScheduledEvent = mendix.MendixScheduledEvent
	MendixCustomSetting  = mendix.MendixCustomSetting
)
