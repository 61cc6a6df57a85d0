# qemu-reactor's reaper (see Reaper.java): stops what the engine started on this host once the
# engine is gone. Run as: sh reaper.sh STATE_DIR GRACE_SECONDS, its stdin held open by the engine.
#
# stdin, one command a line (an entry is a file STATE_DIR/e.ID, so that a successor can adopt it):
#   track ID PID FOLDER   PID "-" for a folder alone, FOLDER "-" for a process alone; again with the
#                         same ID replaces the entry (a run folder first, its process once started)
#   forget ID             released on purpose (stopped and removed by the engine, or kept)
# stdin's end means the engine is gone (its JVM died, or its SSH session dropped). Unless another
# reaper adopted STATE_DIR within GRACE_SECONDS (the engine reconnected), every tracked pid that is
# still the process it was (same start time in /proc/PID/stat) gets SIGTERM, then SIGKILL; then the
# folders and STATE_DIR are removed. So does every process whose argv names a tracked folder: that
# covers a process the engine started but died before it could say its pid (the folder is tracked
# first), and its helpers; run folders are private and randomly named, so no one else's argv has them.

dir=$1
grace=${2:-0}
# the terminal's Ctrl-C and a signal to the engine's process group must not stop the reaper first
trap '' HUP INT QUIT TERM PIPE
[ -d "$dir" ] || exit 3
# from here on, what the reaper says goes to its log, not to the engine (which reads nothing from it)
exec >>"$dir/reaper.log" 2>&1
echo $$ >"$dir/owner.new" && mv -f "$dir/owner.new" "$dir/owner" || exit 3
echo "reaper $$: watching $dir"

# st=the start time (field 22 of /proc/PID/stat) of a live, non-zombie process PID; empty otherwise
starttime() {
    st=
    line=
    read -r line 2>/dev/null <"/proc/$1/stat" || return 0
    # the command name (field 2) may hold spaces and parentheses: cut after its last ") "
    set -- ${line##*) }
    [ "$1" = Z ] && return 0
    shift 19
    st=$1
}

# true if entry PID START is still that very process
same() {
    [ "$1" != - ] && [ "$2" != - ] || return 1
    starttime "$1"
    [ -n "$st" ] && [ "$st" = "$2" ]
}

# records as s.PID every process whose argv names a tracked folder (one grep over /proc; the folders
# are read from a file so that grep's own argv does not name them)
scan() {
    : >"$dir/folders"
    for e in "$dir"/e.*; do
        [ -f "$e" ] || continue
        read -r pid start folder <"$e" || continue
        case $folder in /?*) echo "$folder" >>"$dir/folders" ;; esac
    done
    [ -s "$dir/folders" ] || return 0
    for f in $(grep -alF -f "$dir/folders" /proc/[0-9]*/cmdline 2>/dev/null); do
        pid=${f#/proc/}
        pid=${pid%/cmdline}
        [ "$pid" = $$ ] && continue
        starttime "$pid"
        [ -n "$st" ] && echo "$pid $st -" >"$dir/s.$pid"
    done
}

# runs "$1 PID" for every tracked or scanned pid that is still its process; n=how many
each_live() {
    n=0
    for e in "$dir"/e.* "$dir"/s.*; do
        [ -f "$e" ] || continue
        read -r pid start folder <"$e" || continue
        if same "$pid" "$start"; then
            n=$((n + 1))
            [ -z "$1" ] || kill "$1" "$pid" 2>/dev/null
        fi
    done
}

while read -r cmd id pid folder; do
    case $id in '' | *[!0-9]*) echo "reaper: ignored: $cmd $id"; continue ;; esac
    case $cmd in
    track)
        start=-
        case $pid in
        - | '') pid=- ;;
        *[!0-9]*) echo "reaper: ignored pid $pid"; continue ;;
        *) starttime "$pid"; start=${st:--} ;;
        esac
        echo "$pid $start ${folder:--}" >"$dir/e.$id.new" && mv -f "$dir/e.$id.new" "$dir/e.$id"
        ;;
    forget) rm -f "$dir/e.$id" ;;
    *) echo "reaper: unknown command $cmd" ;;
    esac
done

echo "reaper $$: input ended"
[ "$grace" -gt 0 ] 2>/dev/null && sleep "$grace"
read -r owner 2>/dev/null <"$dir/owner"
if [ "$owner" != $$ ]; then
    echo "reaper $$: reaper $owner took over"
    exit 0
fi
echo "reaper $$: stopping what is left"
scan

each_live -TERM
tries=0
while [ "$n" -gt 0 ] && [ $tries -lt 5 ]; do
    sleep 1
    tries=$((tries + 1))
    each_live
done
[ "$n" -gt 0 ] && each_live -KILL
tries=0
while [ "$n" -gt 0 ] && [ $tries -lt 10 ]; do
    sleep 1
    tries=$((tries + 1))
    each_live
done
for e in "$dir"/e.* "$dir"/s.*; do
    [ -f "$e" ] || continue
    read -r pid start folder <"$e"
    case $folder in /?*) rm -rf -- "$folder" ;; esac
    rm -f "$e"
done
rm -rf -- "$dir"
