# qemu-reactor's command shell on an SSH host (io.qemureactor.core.host.RemoteShell).
#
# One of these runs per host, on one SSH exec channel, for the life of the SSH session: sshd
# starts every exec channel through the user's login shell, which may read startup files that
# take seconds (a ~/.bashrc running `pyenv init`), so that cost is paid once per host here
# instead of once per command.
#
# Requests, one per line on stdin (ARGV: an argv list quoted for a POSIX shell by ShellQuoting,
# each newline inside a quoted argument written as '"$nl"' so that a request stays one line):
#   ID E INPUT ARGV          run ARGV, INPUT its stdin in base64 ("-": none)
#                            -> ID o CHUNK..., ID e CHUNK... (stdout, stderr in base64), ID R STATUS
#   ID S LOG ARGV            (LOG is the first element of the quoted list) start ARGV in the
#                            background, output appended to LOG -> ID S PID, later ID X STATUS, or
#                            ID X STATUS D when a folder was removed with the exit (F below)
#   ID F SID PATH            (PATH quoted) when the process started by request SID exits, remove
#                            the folder PATH before reporting the exit (its X reply then ends in D)
#                            -> ID R 0 once noted; ID R 2 for a malformed SID
#   ID W PID SECONDS PATH    (PATH quoted) wait until the unix socket PATH exists -> ID R 0,
#                            ID R 1 if process PID (0: none) is gone first, ID R 2 after SECONDS
# Replies come in any order. Each is one printf of less than PIPE_BUF bytes, so lines from
# concurrent jobs never interleave. Every job runs detached (double fork): this shell keeps no
# children and no job table that grows with the number of requests. Nothing here starts a
# process for itself except base64 for non-empty outputs and inputs, sleep while waiting, and rm
# for a folder to remove with an exit.
# no umask of our own: commands create files as they would in a login (mktemp -d makes d private anyway)
nl='
'
d=$(mktemp -d "${TMPDIR:-/tmp}/qemu-reactor-shell.XXXXXX") || exit 1
trap 'rm -rf "$d"' EXIT
limit=1048576

# the output file $2 as reply lines "$1 $3 CHUNK" of at most 3000 base64 characters each
chunks() {
    [ -s "$2" ] || return 0
    tail -c "$limit" "$2" | base64 -w 3000 | while IFS= read -r c; do printf '%s %s %s\n' "$1" "$3" "$c"; done
}

run() {
    id=$1 input=$2 o="$d/$1.o" e="$d/$1.e"
    eval "set -- $3"
    if [ "$input" = - ]; then
        "$@" >"$o" 2>"$e" </dev/null
    else
        printf '%s' "$input" | base64 -d | "$@" >"$o" 2>"$e"
    fi
    s=$?
    chunks "$id" "$o" o
    chunks "$id" "$e" e
    printf '%s R %s\n' "$id" "$s"
    rm -f "$o" "$e"
}

start() {
    id=$1
    eval "set -- $2"
    log=$1
    shift
    "$@" >>"$log" 2>&1 </dev/null &
    p=$!
    printf '%s S %s\n' "$id" "$p"
    wait "$p"
    s=$?
    # a folder to remove with the exit (request F): in this job, so that a stop costs no second round trip
    if [ -e "$d/$id.f" ] && IFS= read -r f <"$d/$id.f" && [ -n "$f" ] && rm -rf -- "$f" "$d/$id.f"; then
        printf '%s X %s D\n' "$id" "$s"
    else
        printf '%s X %s\n' "$id" "$s"
    fi
}

# request F: the folder goes in a file the start job reads when its process exits. Builtins only (no
# fork): the reply comes at once. A note that comes after the exit was read stays unread (the engine
# then removes the folder itself); request ids are never reused, so it is never read by another job.
onexit() {
    case $1 in
        '' | *[!0-9]*) printf '%s R 2\n' "$id"; return ;;
    esac
    sid=$1
    eval "set -- $2"
    printf '%s\n' "$1" >"$d/$sid.f"
    printf '%s R 0\n' "$id"
}

# polls with a growing pause, 5 ms doubling to 50 ms: the schedule of the local connect's backoff
# (LaunchAttempt.policy), so that a socket is seen as soon after it appears here as there. Each
# pause is a sleep process (~1 ms of CPU; POSIX sh has no sleep of its own): some 20 a second at
# most, while QEMU starts
waitsock() {
    id=$1 pid=$2 left=$(($3 * 1000)) step=5 t=0.005
    eval "set -- $4"
    while [ ! -S "$1" ]; do
        if [ "$pid" != 0 ] && ! kill -0 "$pid" 2>/dev/null; then
            printf '%s R 1\n' "$id"
            return
        fi
        if [ "$left" -le 0 ]; then
            printf '%s R 2\n' "$id"
            return
        fi
        sleep "$t"
        left=$((left - step))
        case $step in
            5) step=10 t=0.01 ;;
            10) step=20 t=0.02 ;;
            20) step=40 t=0.04 ;;
            40) step=50 t=0.05 ;;
        esac
    done
    printf '%s R 0\n' "$id"
}

printf '0 H %s\n' "$$"
# the rest of a request after ID and OP keeps its spaces: quoted arguments may hold runs of them
while IFS=' ' read -r id op rest; do
    case $op in
        E) ( run "$id" "${rest%% *}" "${rest#* }" & ) ;;
        S) ( start "$id" "$rest" & ) ;;
        W) w=${rest#* }; ( waitsock "$id" "${rest%% *}" "${w%% *}" "${w#* }" & ) ;;
        F) onexit "${rest%% *}" "${rest#* }" ;;
    esac
done
