# qemu-reactor's command shell on an SSH host (io.qemureactor.core.host.RemoteShell).
#
# One of these runs per host, on one SSH exec channel, for the life of the SSH session: sshd
# starts every exec channel through the user's login shell, which may read startup files that
# take seconds (a ~/.bashrc running `pyenv init`), so that cost is paid once per host here
# instead of once per command.
#
# Requests, one per line on stdin:   ID OP A B C
#   ID E ARGV INPUT          run ARGV; INPUT is its stdin ("-": none)      -> ID R STATUS STDOUT STDERR
#   ID S ARGV LOG            start ARGV in the background, output to LOG   -> ID S PID, later ID X STATUS
#   ID W PATH PID SECONDS    wait until the unix socket PATH exists         -> ID R 0|1|2 - -
#                            (1: process PID is gone, 2: SECONDS passed; PID 0: no process to watch)
# ARGV is an argv list quoted for a POSIX shell (ShellQuoting), INPUT, LOG, PATH, STDOUT and
# STDERR are base64 ("-": empty). Replies come in any order, one line each, written under a lock
# so that lines from concurrent jobs never interleave. Every job runs detached (double fork), so
# this shell keeps no children and no job table that grows with the number of requests.
umask 077
command -v flock >/dev/null 2>&1 || { echo "flock not found (util-linux)" >&2; exit 127; }
d=$(mktemp -d "${TMPDIR:-/tmp}/qemu-reactor-shell.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
limit=1048576

say() { { flock 9; printf '%s\n' "$*"; } 9>>"$d/lock"; }
unb64() { printf '%s' "$1" | base64 -d; }
b64() { if [ -s "$1" ]; then tail -c "$limit" "$1" | base64 -w0; else printf -; fi; }

run() {
    id=$1 input=$3 o="$d/$1.o" e="$d/$1.e"
    eval "set -- $(unb64 "$2")"
    if [ "$input" = - ]; then
        "$@" >"$o" 2>"$e" </dev/null
    else
        unb64 "$input" | "$@" >"$o" 2>"$e"
    fi
    s=$?
    say "$id R $s $(b64 "$o") $(b64 "$e")"
    rm -f "$o" "$e"
}

start() {
    id=$1 log=$(unb64 "$3")
    eval "set -- $(unb64 "$2")"
    "$@" >>"$log" 2>&1 </dev/null &
    p=$!
    say "$id S $p"
    wait "$p"
    say "$id X $?"
}

waitsock() {
    id=$1 path=$(unb64 "$2") pid=$3 n=$(($4 * 100))
    while [ ! -S "$path" ]; do
        if [ "$pid" != 0 ] && ! kill -0 "$pid" 2>/dev/null; then
            say "$id R 1 - -"
            return
        fi
        if [ "$n" -le 0 ]; then
            say "$id R 2 - -"
            return
        fi
        n=$((n - 1))
        sleep 0.01
    done
    say "$id R 0 - -"
}

say "0 H $$"
while read -r id op a b c; do
    case $op in
        E) ( run "$id" "$a" "$b" & ) ;;
        S) ( start "$id" "$a" "$b" & ) ;;
        W) ( waitsock "$id" "$a" "$b" "$c" & ) ;;
    esac
done
