#!/usr/bin/env bash
# Backups of the portal's database with pgBackRest, on the stack of scripts/stack.sh
# (the same environment: VAR, PORT …; docs/operations.md):
#   backup.sh backup [full|diff|incr]   a backup now (make backup [TYPE=full]); diff by default,
#                                        which is a full one when there is none yet
#   backup.sh restore 'YYYY-MM-DD HH:MM[:SS]'
#                                        the database as it was at that moment, Beijing time
#                                        (make restore AT='…'): into a fresh data directory; the
#                                        one it replaces is kept beside it; then the stack starts
#   backup.sh info | check               what the repository holds; whether archiving works
# The stack must archive its WAL (stack.sh with ARCHIVE=1, the default of make run).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=${VAR:-$ROOT/var}
PGBIN=/usr/lib/postgresql/15/bin
PGDATA=$VAR/pg/data
PGSOCK=$VAR/run/pg
CONF=$VAR/pgbackrest.conf
# how long a restored cluster may take to replay its WAL up to the target
RECOVERY_WAIT_S=${RECOVERY_WAIT_S:-1800}

say() { printf '%s\n' "$*"; }
die() { printf 'backup: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (pgBackRest runs as postgres)"
command -v pgbackrest >/dev/null || die "pgBackRest is not installed (make deps)"

br() { runuser -u postgres -- pgbackrest --config="$CONF" --stanza=zcps "$@"; }
pg() { runuser -u postgres -- "$@"; }
pg_running() { [ -s "$PGDATA/postmaster.pid" ] && pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }
sql() { pg psql -X -tA -h "$PGSOCK" -d postgres -c "$1" 2>/dev/null; }

need_stack() {
	[ -s "$CONF" ] || die "no $CONF: start the stack first (make run, or scripts/stack.sh start)"
	grep -q '^archive_mode = on' "$PGDATA/zcps-archive.conf" 2>/dev/null ||
		die "the stack in $VAR does not archive its WAL: start it with ARCHIVE=1 (the default)"
}

backup() {
	local type=${1:-diff}
	case $type in full|diff|incr) ;; *) die "backup type: full, diff or incr" ;; esac
	need_stack
	pg_running || die "PostgreSQL of $VAR is not running (make run)"
	say "backup: $type backup of $PGDATA into $(sed -n 's/^repo1-path=//p' "$CONF")"
	br backup --type="$type" || die "the backup failed (see $VAR/log/pgbackrest)"
	br info
}

# The moment as PostgreSQL takes it, with the zone written out.
target_time() {
	local t
	[[ $1 =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}[\ T][0-9]{2}:[0-9]{2}(:[0-9]{2})?$ ]] ||
		die "AT='YYYY-MM-DD HH:MM' or 'YYYY-MM-DD HH:MM:SS' (Beijing time), not '$1'"
	t=$(TZ=Asia/Shanghai date -d "${1/T/ }" '+%Y-%m-%d %H:%M:%S+08') || die "not a time: $1"
	[ "$(date -d "$t" +%s)" -le "$(date +%s)" ] || die "$1 is in the future"
	printf '%s\n' "$t"
}

# Refuses a moment before the end of the oldest backup in the repository (nothing could reach it).
reachable() {
	local oldest
	oldest=$(br info --output=json | node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
		const b = (JSON.parse(s)[0] || {}).backup || [];
		console.log(b.length ? Math.min(...b.map((x) => x.timestamp.stop)) : ""); });') ||
		die "pgBackRest cannot read the repository (see $VAR/log/pgbackrest)"
	[ -n "$oldest" ] || die "the repository has no backup yet (make backup): nothing was changed"
	[ "$oldest" -le "$(date -d "$1" +%s)" ] ||
		die "the oldest backup ends at $(TZ=Asia/Shanghai date -d "@$oldest" '+%Y-%m-%d %H:%M:%S') (Beijing time): a restore reaches only moments after it; nothing was changed"
}

# A restore that failed: its data directory goes aside, the one it replaced comes back, and
# the stack starts on that again.
undo() {
	pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
	mv "$PGDATA" "$VAR/pg/data.failed-restore-$(date +%Y%m%d-%H%M%S)"
	if [ -n "${aside:-}" ]; then
		mv "$aside" "$PGDATA"
		sed -i '/# set by scripts\/backup.sh restore$/d' "$PGDATA/postgresql.conf"
		"$ROOT/scripts/stack.sh" start >/dev/null || true
	fi
	die "$1; the database is back as it was before the restore (the failed attempt is in $VAR/pg/data.failed-restore-*)"
}

# Waits until the restored cluster has replayed up to the target and promoted itself.
wait_promoted() {
	local i
	for i in $(seq 1 "$RECOVERY_WAIT_S"); do
		if ! pg_running; then
			tail -n 15 "$VAR/log/postgres.log" >&2
			return 1
		fi
		[ "$(sql 'SELECT pg_is_in_recovery()')" = f ] && return 0
		sleep 1
	done
	return 1
}

restore() {
	local target
	[ -n "${1:-}" ] || die "usage: backup.sh restore 'YYYY-MM-DD HH:MM' (make restore AT='…')"
	target=$(target_time "$1")
	need_stack
	reachable "$target"
	if pg_running; then
		# the WAL written up to now goes to the repository, so that the target is reachable
		br check >/dev/null || die "WAL archiving does not work, so the target may not be reachable: nothing was changed (see $VAR/log/pgbackrest)"
	fi
	say "backup: restoring the database as it was at $target"
	VAR=$VAR "$ROOT/scripts/stack.sh" stop
	aside=
	if [ -d "$PGDATA" ]; then
		aside=$VAR/pg/data.before-restore-$(date +%Y%m%d-%H%M%S)
		mv "$PGDATA" "$aside"
		# kept for inspection; started by hand it must not archive into the repository
		echo "archive_mode = off	# set by scripts/backup.sh restore" >> "$aside/postgresql.conf"
		say "backup: the data directory it replaces is kept in $aside"
	fi
	install -d -o postgres -g postgres -m 0700 "$PGDATA"
	br restore --type=time --target="$target" --target-action=promote ||
		undo "pgBackRest could not restore to $target (see $VAR/log/pgbackrest)"
	[ -e "$VAR/log/postgres.log" ] || install -D -o postgres -g adm -m 0640 /dev/null "$VAR/log/postgres.log"
	pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$VAR/log/postgres.log" -w -t 600 start >/dev/null || true
	wait_promoted || undo "the restored cluster did not reach $target (the log is above; WAL up to it may be missing from the archive)"
	say "backup: restored to $target; starting the stack on it"
	"$ROOT/scripts/stack.sh" start
	say "backup: done. Take a full backup now (make backup TYPE=full): the restored database goes on on a new timeline."
}

case "${1:-}" in
backup) backup "${2:-}" ;;
restore) restore "${2:-}" ;;
info) need_stack; br info ;;
check) need_stack; br check && say "backup: archiving works" ;;
*) die "usage: backup.sh backup [full|diff|incr] | restore 'YYYY-MM-DD HH:MM' | info | check" ;;
esac
