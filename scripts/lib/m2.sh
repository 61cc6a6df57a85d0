# Shared by scripts/check-newcomer and scripts/check-getting-started: a local Maven repository
# that lacks this project's own artifacts (io/qemureactor), made without copying anything: a
# folder of symbolic links to every other entry of ~/.m2/repository. Sourced, not run.

# isolated_m2 DIR: makes DIR such a repository (downloads made through it land in the real one).
isolated_m2() {
  local repo=$1 real_repo=${HOME:-/root}/.m2/repository entry
  mkdir -p "$real_repo/io" "$repo/io"
  for entry in "$real_repo"/* "$real_repo"/io/*; do
    [ -e "$entry" ] || continue
    case "$entry" in
      "$real_repo/io" | "$real_repo/io/qemureactor") ;;
      "$real_repo"/io/*) ln -s "$entry" "$repo/io/" ;;
      *) ln -s "$entry" "$repo/" ;;
    esac
  done
}
