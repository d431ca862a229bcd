#!/usr/bin/env bash
# make bench (Mendix part): stream a large v3 backup archive through appmigrate_mendix_backup_restore
# with the real terraform CLI against the sandbox, and, in the same run, `curl` download piped into
# `curl` upload of the same archive. Prints MB/s of both, the ratio, and the provider's peak RSS.
#
# BENCH_BACKUP_BYTES sets the file bytes inside the newest v3 snapshot of the default fixture
# (default 900 MB); the archive is a .tar.gz of generated (incompressible) content, a little larger.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin"
work="$root/.bench/mendix"
bytes=${BENCH_BACKUP_BYTES:-900000000}
export CHECKPOINT_DISABLE=1
# shellcheck source=scripts/bench-lib.sh
source "$root/scripts/bench-lib.sh"

rm -rf "$work"
mkdir -p "$work"
# The default fixture with a large newest snapshot on the v3 node.
"$bin/appmigrate-sandbox" --print-default-fixture |
  sed -e "s/\"files\": 20, \"file_bytes\": 3145728/\"files\": 200, \"file_bytes\": $bytes/" >"$work/fixture.json"
grep -q "\"file_bytes\": $bytes" "$work/fixture.json" || { echo "bench: could not size the fixture's snapshot"; exit 1; }

start_sandbox "$work"
export APPMIGRATE_MENDIX_USERNAME=dev@example.com APPMIGRATE_MENDIX_API_KEY=SANDBOX-MX-APIKEY APPMIGRATE_MENDIX_PAT=SANDBOX-MX-PAT
base=${APPMIGRATE_MENDIX_DEPLOY_URL%/mendix/deploy}

echo "bench: generating the v3 backup archive"
digest=$(curl -fsS "$base/_sandbox/mendix/apps/calc/environments/Production/snapshots/latest/digest")
echo "bench: $digest"

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
variable "restore" {
  type    = bool
  default = false
}
resource "appmigrate_mendix_temporary_app" "temp" {
  name = "bench-temporary"
}
resource "appmigrate_mendix_node_link" "temporary" {
  project_id = appmigrate_mendix_temporary_app.temp.project_id
  node_id    = "node-v4-calc"
}
resource "appmigrate_mendix_package_transfer" "package" {
  source_app_id      = "calc"
  source_environment = "Production"
  app_id             = appmigrate_mendix_node_link.temporary.subdomain
}
resource "appmigrate_mendix_environment_deployment" "app" {
  app_id      = appmigrate_mendix_node_link.temporary.subdomain
  environment = "Production"
  package_id  = appmigrate_mendix_package_transfer.package.package_id
}
resource "appmigrate_mendix_backup_restore" "data" {
  count              = var.restore ? 1 : 0
  source_app_id      = "calc"
  source_environment = "Production"
  project_id         = appmigrate_mendix_node_link.temporary.project_id
  environment_id     = appmigrate_mendix_node_link.temporary.environments["Production"]
  deployment_id      = appmigrate_mendix_environment_deployment.app.id
  timeouts = {
    create = "1h"
  }
}
output "project_id" { value = appmigrate_mendix_node_link.temporary.project_id }
output "environment_id" { value = appmigrate_mendix_node_link.temporary.environments["Production"] }
output "restored" { value = [for r in appmigrate_mendix_backup_restore.data : "${r.bytes} bytes, sha256 ${r.sha256}; restored ${r.restored_bytes} bytes, sha256 ${r.restored_sha256}"] }
HCL
cd "$work/tf"

echo "bench: temporary app, node link, package transfer and deployment"
terraform apply -auto-approve -input=false -no-color >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
project_id=$(terraform output -raw project_id)
environment_id=$(terraform output -raw environment_id)

echo "bench: terraform apply of appmigrate_mendix_backup_restore"
timed_apply "$work" -var restore=true
terraform output -no-color restored
archive_bytes=$(terraform output -json restored | sed -E 's/^\["([0-9]+) bytes.*/\1/')

# The same bytes by curl: the Backups v1 DatabaseAndFiles link piped into the (modeled) v4 upload.
hdr=(-H "Mendix-Username: $APPMIGRATE_MENDIX_USERNAME" -H "Mendix-ApiKey: $APPMIGRATE_MENDIX_API_KEY")
snapshot=$(curl -fsS "${hdr[@]}" "$APPMIGRATE_MENDIX_DEPLOY_URL/api/1/apps/calc/environments/Production/snapshots" |
  tr '{' '\n' | grep -o '"SnapshotID":"[^"]*"' | tail -n 1 | cut -d'"' -f4)
link=$(curl -fsS "${hdr[@]}" "$APPMIGRATE_MENDIX_DEPLOY_URL/api/1/apps/calc/environments/Production/snapshots/$snapshot" |
  grep -o '"DatabaseAndFiles":"[^"]*"' | cut -d'"' -f4)
upload="$APPMIGRATE_MENDIX_DEPLOY_URL/api/v2/apps/$project_id/environments/$environment_id/snapshots/upload"
echo "bench: curl download | curl upload"
curl_copy "$link" "$upload" curl-copy.tar.gz "${hdr[@]}"

report "Mendix backup_restore benchmark ($archive_bytes bytes)" "$archive_bytes" "$provider_s" "$curl_s" "$peak_kb" \
  "stream + SHA-256 + upload + restore + export read-back"
terraform destroy -auto-approve -input=false -no-color -var restore=true >/dev/null 2>&1 || true
