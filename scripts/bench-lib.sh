# Shared by the bench-*.sh scripts: sandbox start, dev_overrides, a timed apply that records the
# provider's peak RSS, and the report. Source it; it expects $bin to point at ./bin.

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", b-a}'; }

# start_sandbox WORK: runs the sandbox on WORK/fixture.json with instant jobs, exports its URLs,
# and stops it when the script exits.
start_sandbox() {
  local work=$1
  "$bin/appmigrate-sandbox" --listen 127.0.0.1:0 --data-dir "$work/data" --fixture "$work/fixture.json" \
    --env-file "$work/sandbox.env" --job-duration 0 --quiet >"$work/sandbox.log" 2>&1 &
  sandbox_pid=$!
  trap 'kill -TERM $sandbox_pid 2>/dev/null || true; wait $sandbox_pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    [ -s "$work/sandbox.env" ] && break
    kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log"; exit 1; }
    sleep 0.1
  done
  # shellcheck disable=SC1091
  source "$work/sandbox.env"
}

# use_dev_overrides WORK: terraform uses ./bin's provider without init or registry.
use_dev_overrides() {
  cat >"$1/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "appmigrate/appmigrate" = "$bin"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$1/terraformrc"
}

# timed_apply WORK ARGS...: terraform apply ARGS, timed (provider_s) while sampling the peak RSS
# (VmHWM) of every provider process terraform starts (peak_kb).
timed_apply() {
  local work=$1
  shift
  local hwm_file="$work/hwm"
  echo 0 >"$hwm_file"
  (
    max=0
    while :; do
      for pid in $(pgrep -f "$bin/terraform-provider-appmigrate" 2>/dev/null); do
        kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        if [ -n "$kb" ] && [ "$kb" -gt "$max" ]; then max=$kb; echo "$max" >"$hwm_file"; fi
      done
      sleep 0.05
    done
  ) &
  local sampler=$! t0 t1
  t0=$(now)
  if ! TF_LOG=DEBUG TF_LOG_PATH="$work/timed-apply.debug.log" terraform apply -auto-approve -input=false -no-color "$@" >"$work/timed-apply.log" 2>&1; then
    kill "$sampler" 2>/dev/null || true
    cat "$work/timed-apply.log"
    exit 1
  fi
  t1=$(now)
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  provider_s=$(elapsed "$t0" "$t1")
  peak_kb=$(cat "$hwm_file")
  # The streaming request alone: the transport's debug line for a hashed copy carries bytes_sent
  # and duration_ms (the largest such request is the archive).
  stream_line=$(grep -o 'HTTP attempt:.*' "$work/timed-apply.debug.log" | grep 'bytes_sent=' |
    awk '{b=0; d=0; for (i=1;i<=NF;i++) { if ($i ~ /^bytes_sent=/) { split($i,a,"="); b=a[2]; gsub(/"/,"",b); b=b+0 } if ($i ~ /^duration_ms=/) { split($i,a,"="); d=a[2]; gsub(/"/,"",d); d=d+0 } } if (b>mb) { mb=b; md=d } } END { print mb, md }')
  stream_bytes=$(awk -v b="${stream_line% *}" 'BEGIN{printf "%d", b}')
  stream_s=$(awk -v ms="${stream_line#* }" 'BEGIN{printf "%.2f", ms/1000}')
}

# report TITLE BYTES PROVIDER_S CURL_S PEAK_KB WHAT
report() {
  local provider_mbps curl_mbps ratio
  provider_mbps=$(awk -v n="$2" -v s="$3" 'BEGIN{printf "%.1f", n/1000000/s}')
  curl_mbps=$(awk -v n="$2" -v s="$4" 'BEGIN{printf "%.1f", n/1000000/s}')
  ratio=$(awk -v a="$provider_mbps" -v b="$curl_mbps" 'BEGIN{printf "%.2f", a/b}')
  local stream_mbps stream_ratio
  stream_mbps=$(awk -v n="$stream_bytes" -v s="$stream_s" 'BEGIN{ if (s > 0) printf "%.1f", n/1000000/s; else print "n/a" }')
  stream_ratio=$(awk -v a="$stream_mbps" -v b="$curl_mbps" 'BEGIN{ if (a+0 > 0) printf "%.2f", a/b; else print "n/a" }')
  cat <<REPORT

$1
  provider (terraform apply: $6): $3 s, $provider_mbps MB/s
  curl download | curl upload (no verification): $4 s, $curl_mbps MB/s
  ratio provider/curl (whole apply): $ratio
  provider streaming request alone (download → SHA-256 → upload, $stream_bytes bytes): $stream_s s, $stream_mbps MB/s
  ratio provider stream/curl: $stream_ratio
  provider peak RSS (VmHWM of the largest provider process): $(($5 / 1024)) MiB
REPORT
}

# curl_copy DOWNLOAD UPLOAD FILENAME [EXTRA CURL ARGS...]: the curl baseline, timed into curl_s.
# `curl -F file=@-` reads all of stdin into memory first (and refuses more than 1 GiB), so the
# multipart envelope is written around the download by the shell and streamed with `-T -`.
curl_copy() {
  local download=$1 upload=$2 name=$3 b="appmigrate-bench-boundary" t0 t1
  shift 3
  t0=$(now)
  {
    printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\nContent-Type: application/octet-stream\r\n\r\n' "$b" "$name"
    curl -fsS "$download"
    printf -- '\r\n--%s--\r\n' "$b"
  } | curl -fsS -o /dev/null -X POST -H "Content-Type: multipart/form-data; boundary=$b" -T - "$@" "$upload"
  t1=$(now)
  curl_s=$(elapsed "$t0" "$t1")
}
