#!/bin/bash
# Runs inside a throwaway systemd-nspawn container (booted by SystemdUnitTests) as a
# transient service: installs the unit with scripts/install, then checks it under a real
# systemd manager. Writes "ok NAME" / "fail NAME" lines to /lumiere-out/results.txt.
set -u
OUT=/lumiere-out
SRC=/lumiere-src
BIN=/lumiere-bin/lumiere
SPOOL=/var/spool/lumiere
: > "$OUT/results.txt"
log() { echo "$*" >> "$OUT/results.txt"; }
check() {
  local name=$1; shift
  echo "== $name: $*" >> "$OUT/trace.txt"
  if "$@" >> "$OUT/trace.txt" 2>&1; then log "ok $name"; else log "fail $name"; fi
}
waitfor() {  # waitfor SECONDS COMMAND...
  local n=$(( $1 * 10 )); shift
  for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
  return 1
}
drop() {  # drop NAME CONTENT-FILE: temp name, then rename in
  cp "$2" "$SPOOL/inbox/.$1.tmp" && mv "$SPOOL/inbox/.$1.tmp" "$SPOOL/inbox/$1"
}
not() {  # succeeds when the command ran and failed; a missing command or a bad pid is a failure
  "$@"; local rc=$?
  [ "$rc" -ne 0 ] && [ "$rc" -ne 127 ] && [ "$rc" -ne 126 ]
}
as_daemon() {  # run a command in the daemon's mount namespace, as its user
  nsenter -t "$(systemctl show -p MainPID --value lumiere)" -m setpriv --reuid=lumiere --regid=lumiere --init-groups "$@"
}

# (No `systemctl is-system-running --wait`: this script is part of the boot transaction,
# so boot cannot finish before it does.)
mkdir -p /etc/lumiere
printf 'sk-test-credential\n' > /etc/lumiere/llm-api-key
chmod 0600 /etc/lumiere/llm-api-key

check install "$SRC/scripts/install" --prefix /opt/lumiere --binary "$BIN"
check link systemctl link /opt/lumiere/lib/systemd/system/lumiere.service
mkdir -p /etc/systemd/system/lumiere.service.d
printf '[Service]\nWatchdogSec=3s\nRestartSec=1s\nEnvironment=LUMIERE_LLM_BASE_URL=http://127.0.0.1:18080/v1\n' > /etc/systemd/system/lumiere.service.d/test.conf
systemctl daemon-reload
# A loopback LLM server that answers only when given the credential's key.
python3 "$SRC/Tests/LumiereDaemonTests/Fixtures/fake-llm.py" 18080 sk-test-credential >> "$OUT/trace.txt" 2>&1 &
check prompts_installed test -f /opt/lumiere/share/lumiere/prompts/sql.txt

check start timeout 60 systemctl start lumiere   # Type=notify: returns once READY=1 arrived
check active systemctl is-active lumiere
check status_text bash -c 'systemctl show -p StatusText --value lumiere | grep -q "workers busy"'
# Metadata is in journal fields, not in MESSAGE: read them with -o verbose.
check credential bash -c 'journalctl -u lumiere -o verbose --no-pager | grep -q "^    LLM_KEY=credential$"'
check key_not_logged bash -c '! journalctl -u lumiere --no-pager | grep -q sk-test-credential'
check journal_fields bash -c 'journalctl -u lumiere -o verbose --no-pager | grep -q "^    CONFIG_DIGEST="'

drop test_sales_data.csv "$SRC/Tests/LumiereDaemonTests/Fixtures/test_sales_data.csv"
echo '{"source": "test_sales_data", "sql": "SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region ORDER BY total DESC"}' > /tmp/q1.json
drop q1.json /tmp/q1.json
check answer waitfor 30 bash -c "grep -q '\"South\"' $SPOOL/outbox/q1.result.json 2>/dev/null && grep -q '\"succeeded\"' $SPOOL/outbox/q1.result.json"
check archived waitfor 10 test -f "$SPOOL/archive/q1.json"
# The LLM engine under the hardening: loopback only, the key from LoadCredential=, the
# prompts found beside the installed binary.
echo '{"source": "test_sales_data", "question": "What were the total sales by region?", "engine": "llm"}' > /tmp/q2.json
drop q2.json /tmp/q2.json
check llm_answer waitfor 30 bash -c "grep -Eq '\"engine\" ?: ?\"llm\"' $SPOOL/outbox/q2.result.json 2>/dev/null && grep -q '\"South\"' $SPOOL/outbox/q2.result.json"
check key_not_stored bash -c "! grep -rq sk-test-credential $SPOOL && ! journalctl -u lumiere --no-pager | grep -q sk-test-credential"

# The hardening: only the spool is writable for the daemon.
check spool_writable as_daemon touch "$SPOOL/state/probe"
# (`not`, not `bash -c "! ..."`: a child bash does not know the as_daemon function, and
# "command not found" would pass as a refused write.)
check etc_readonly not as_daemon touch /etc/lumiere-probe
check usr_readonly not as_daemon touch /opt/lumiere/probe
check home_hidden not as_daemon ls /root
check no_caps bash -c "grep -q '^CapEff:.0000000000000000' /proc/\$(systemctl show -p MainPID --value lumiere)/status"

# The watchdog: a hung daemon (stopped with SIGSTOP) is killed and restarted.
OLD=$(systemctl show -p MainPID --value lumiere)
# MainPID is 0 when the unit is not running: `kill -STOP 0` would stop this script itself.
if [ "${OLD:-0}" != 0 ]; then kill -STOP "$OLD"; fi
check watchdog_restart waitfor 20 bash -c "p=\$(systemctl show -p MainPID --value lumiere); [ \"\$p\" != 0 ] && [ \"\$p\" != $OLD ] && systemctl is-active -q lumiere"
check watchdog_logged bash -c 'journalctl -u lumiere --no-pager | grep -qi "watchdog timeout"'
check restarts bash -c '[ "$(systemctl show -p NRestarts --value lumiere)" -ge 1 ]'

# SIGTERM drains: a slow query dropped just before the stop still completes.
echo '{"source": "test_sales_data", "sql": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2000000) SELECT COUNT(*) AS n FROM r", "chart": false, "insight": false}' > /tmp/slow.json
drop slow.json /tmp/slow.json
waitfor 20 bash -c 'journalctl -u lumiere --no-pager | grep -q "job started.*slow.json"'
check stop timeout 60 systemctl stop lumiere
check clean_exit bash -c '[ "$(systemctl show -p Result --value lumiere)" = success ] && [ "$(systemctl show -p ExecMainStatus --value lumiere)" = 0 ]'
check drained bash -c "grep -q '\"succeeded\"' $SPOOL/outbox/slow.result.json"
check stopped_logged bash -c 'journalctl -u lumiere --no-pager | grep -q "daemon stopped"'

journalctl -u lumiere --no-pager > "$OUT/journal.txt" 2>&1
log done
