#!/usr/bin/env bash
# make bench (Backendless part): stream a large files archive through
# appmigrate_backendless_file_upload with the real terraform CLI against the sandbox, and, in the
# same run, `curl` download piped into `curl` upload of the same archive. Prints MB/s of both,
# the ratio, and the provider's peak RSS (VmHWM of every provider process terraform starts).
#
# BENCH_BYTES sets the size of the generated 3.x file (default 1 GiB); the files archive holds it
# stored (not deflated), so the archive is a little larger.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin"
work="$root/.bench/backendless"
bytes=${BENCH_BYTES:-1073741824}
export CHECKPOINT_DISABLE=1
# shellcheck source=scripts/bench-lib.sh
source "$root/scripts/bench-lib.sh"

rm -rf "$work"
mkdir -p "$work"

legacy_id="B0000000-0000-4000-8000-00000000BE4C"
legacy_key="BENCH-LEGACY-SECRET"
cat >"$work/fixture.json" <<JSON
{
  "backendless": {
    "developers": [{"login": "dev@example.com", "password": "sandbox-password", "name": "Bench"}],
    "legacy_apps": [{
      "app_id": "$legacy_id", "name": "bench", "secret_key": "$legacy_key", "owner": "dev@example.com",
      "versions": [{"name": "v1",
        "tables": [{"name": "Item", "columns": [{"name": "n", "type": "INT"}], "generate_rows": {"count": 10, "seed": 1}}],
        "files": [{"path": "blob/large.bin", "size": $bytes, "seed": 42}]}]
    }]
  }
}
JSON

echo "bench: seeding a sandbox with a $((bytes / 1048576)) MiB file"
start_sandbox "$work"
export APPMIGRATE_BACKENDLESS_LOGIN=dev@example.com APPMIGRATE_BACKENDLESS_PASSWORD=sandbox-password
export APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS="$legacy_id=$legacy_key"

use_dev_overrides "$work"
mkdir -p "$work/tf"
cat >"$work/tf/main.tf" <<'HCL'
terraform {
  required_providers {
    appmigrate = { source = "appmigrate/appmigrate" }
  }
}
# Short polls, so the figure measures the transfer, not the wait between two status checks.
provider "appmigrate" {
  poll_interval     = "200ms"
  poll_max_interval = "1s"
}
variable "upload" {
  type    = bool
  default = false
}
variable "legacy_app_id" { type = string }
resource "appmigrate_backendless_migration_archive" "source" {
  app_id  = var.legacy_app_id
  version = "v1"
}
resource "appmigrate_backendless_app" "target" {
  name                = "bench-v5"
  deletion_protection = false
}
resource "appmigrate_backendless_file_upload" "files" {
  count          = var.upload ? 1 : 0
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = appmigrate_backendless_migration_archive.source.files_archive_path
  timeouts = {
    create = "1h"
  }
}
output "archive_path" { value = appmigrate_backendless_migration_archive.source.files_archive_path }
output "archive_bytes" { value = appmigrate_backendless_migration_archive.source.files_archive_size }
output "target_app_id" { value = appmigrate_backendless_app.target.id }
output "uploaded" { value = [for f in appmigrate_backendless_file_upload.files : "${f.bytes} bytes, sha256 ${f.sha256}"] }
HCL
cd "$work/tf"
tfvars=(-var "legacy_app_id=$legacy_id")

echo "bench: building the migration archive and the target app"
terraform apply -auto-approve -input=false -no-color "${tfvars[@]}" >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
archive_path=$(terraform output -raw archive_path)
archive_bytes=$(terraform output -raw archive_bytes)
target_app=$(terraform output -raw target_app_id)

echo "bench: terraform apply of appmigrate_backendless_file_upload ($archive_bytes bytes)"
timed_apply "$work" "${tfvars[@]}" -var upload=true
terraform output -no-color uploaded

# The same bytes by curl: 3.x public download piped into the documented 5.x multipart upload.
rest_key=$(curl -fsS "${APPMIGRATE_BACKENDLESS_CONSOLE_URL%/backendless/console}/_sandbox/backendless/apps" |
  tr '{' '\n' | grep "\"$target_app\"" | sed -E 's/.*"rest_api_key":"([^"]+)".*/\1/')
[ -n "$rest_key" ] || { echo "bench: could not read the target's REST key from the sandbox"; exit 1; }
download="$APPMIGRATE_BACKENDLESS_LEGACY_URL/$legacy_id/v1/files${archive_path}"
upload="$APPMIGRATE_BACKENDLESS_API_URL/$target_app/$rest_key/files/curl-copy.zip?overwrite=true"
echo "bench: curl download | curl upload"
curl_copy "$download" "$upload" curl-copy.zip

report "Backendless file_upload benchmark ($archive_bytes bytes)" "$archive_bytes" "$provider_s" "$curl_s" "$peak_kb" \
  "stream + SHA-256 + upload + read-back verification"
terraform destroy -auto-approve -input=false -no-color "${tfvars[@]}" -var upload=true >/dev/null 2>&1 || true
