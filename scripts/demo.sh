#!/usr/bin/env bash
# make demo: start the sandbox, run both example runbooks with the real terraform CLI through
# dev_overrides (no registry, no `terraform init`), print each runbook's proof once (the
# example's `proof` output: rows, bytes and SHA-256 on both sides), show the second plan's own
# "No changes." output, destroy, stop the sandbox. Everything it writes stays under .demo/.
# Escape codes only when stdout is a terminal.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/bin"
work="$root/.demo"
export CHECKPOINT_DISABLE=1

[ -x "$bin/terraform-provider-appmigrate" ] && [ -x "$bin/appmigrate-sandbox" ] || { echo "run 'make build' first"; exit 1; }
command -v terraform >/dev/null || { echo "terraform >= 1.11 must be on PATH"; exit 1; }

rm -rf "$work"
mkdir -p "$work"

if [ -t 1 ]; then
  step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
  step() { printf '\n==> %s\n' "$*"; }
fi

step "Starting the sandbox"
"$bin/appmigrate-sandbox" --listen 127.0.0.1:0 --data-dir "$work/sandbox-data" \
  --env-file "$work/sandbox.env" --job-duration 1s --quiet &
sandbox_pid=$!
stop_sandbox() {
  kill -TERM "$sandbox_pid" 2>/dev/null || true
  wait "$sandbox_pid" 2>/dev/null || true
}
trap stop_sandbox EXIT

for _ in $(seq 1 100); do
  [ -s "$work/sandbox.env" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { echo "the sandbox exited early"; exit 1; }
  sleep 0.1
done
[ -s "$work/sandbox.env" ] || { echo "the sandbox did not start"; exit 1; }
# The sandbox writes the APPMIGRATE_*_URL variables; the credentials are the default fixture's.
# shellcheck disable=SC1091
source "$work/sandbox.env"
export APPMIGRATE_BACKENDLESS_LOGIN=dev@example.com
export APPMIGRATE_BACKENDLESS_PASSWORD=sandbox-password
export APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS="A1B2C3D4-0000-4000-8000-000000000301=LEGACY-REST-SECRET-crm"
export APPMIGRATE_MENDIX_USERNAME=dev@example.com
export APPMIGRATE_MENDIX_API_KEY=SANDBOX-MX-APIKEY
export APPMIGRATE_MENDIX_PAT=SANDBOX-MX-PAT
env | grep '^APPMIGRATE_.*_URL=' | sort

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "appmigrate/appmigrate" = "$bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"

# no_outputs drops Terraform's listings of outputs from an apply's or a destroy's text: a plan's
# "Changes to Outputs:" block (up to the next resource line or summary) and the final "Outputs:".
no_outputs() {
  awk '
    /^Outputs:$/ { done = 1 }
    done { next }
    /^Changes to Outputs:$/ { skip = 1; next }
    skip && /^(appmigrate_|data\.|terraform_|Apply complete|Destroy complete|Plan:|Warning|Error|│|╷|╵)/ { skip = 0 }
    !skip
  '
}

run_example() {
  local name=$1
  cp -R "$root/examples/$name" "$work/$name"
  cd "$work/$name"

  # Terraform's own listings of outputs ("Changes to Outputs:" in a plan, "Outputs:" after an
  # apply) are left out here: the proof below shows them once, as a table, and
  # `terraform output` in .demo/<example> has every one of them.
  step "[$name] terraform apply"
  terraform apply -auto-approve -input=false -no-color -compact-warnings | no_outputs

  local vars=()
  if [ "$name" = mendix-cloud-v3-to-v4 ]; then
    # Runbook §3.3 → §3.4: the first apply ends with the offboarding request. Mendix Support
    # offboards the v3 node (played here through the sandbox), then a second apply links the
    # real app to the v4 node and deletes the temporary app.
    step "[$name] Mendix Support offboards the v3 node; second apply (-var v3_node_offboarded=true)"
    curl -fsS -X POST "${APPMIGRATE_MENDIX_DEPLOY_URL%/mendix/deploy}/_sandbox/mendix/nodes/node-v3-calc/offboard"
    vars=(-var v3_node_offboarded=true)
    terraform apply -auto-approve -input=false -no-color -compact-warnings "${vars[@]}" | no_outputs
  fi

  step "[$name] proof (terraform output -raw proof)"
  terraform output -no-color -raw proof
  echo

  step "[$name] a second plan must be empty"
  set +e
  terraform plan -detailed-exitcode -input=false -no-color -compact-warnings "${vars[@]}" >"$work/$name.plan.txt" 2>&1
  code=$?
  set -e
  cat "$work/$name.plan.txt"
  if [ "$code" -ne 0 ]; then
    echo "FAIL: the second plan is not empty (terraform plan -detailed-exitcode exited $code)"
    exit 1
  fi

  step "[$name] terraform destroy"
  terraform destroy -auto-approve -input=false -no-color -compact-warnings "${vars[@]}" | no_outputs
  cd "$root"
}

run_example backendless-v3-to-v5
run_example mendix-cloud-v3-to-v4

step "Stopping the sandbox"
stop_sandbox
step "Demo finished: state under .demo/"
