# The chapter list, read from chapters.txt: sourced by lib/harness.bash and
# the scripts that need only the list. Sets REPO if it is not set.

if [ -z "${REPO:-}" ]; then
    # cd and back rather than $(cd ... && pwd): no process to start.
    _chapters_from=$PWD
    cd "${BASH_SOURCE[0]%/*}/.." && REPO=$PWD
    cd "$_chapters_from" || return 1
    unset _chapters_from
fi

# CHAPTER_DIRS (the folders, chNN-name) and CHAPTERS (chNN): the
# chapters in order, from chapters.txt.
read_chapters() {
    local dir _
    CHAPTER_DIRS=()
    CHAPTERS=()
    while read -r dir _; do
        [[ -z $dir || $dir == \#* ]] && continue
        CHAPTER_DIRS+=("$dir")
        CHAPTERS+=("${dir%%-*}")
    done <"$REPO/chapters.txt"
}
read_chapters

# chapter_dir CH: the folder of chapter CH (ch04 -> ch04-NAME).
chapter_dir() {
    local dir
    for dir in "${CHAPTER_DIRS[@]}"; do
        [ "${dir%%-*}" = "$1" ] && { echo "$dir"; return 0; }
    done
    return 1
}

# chapter_fix CH: what chapter CH adds to the one before, from chapters.txt.
chapter_fix() {
    local dir fix
    while read -r dir fix; do
        [ "${dir%%-*}" = "$1" ] && { echo "$fix"; return 0; }
    done <"$REPO/chapters.txt"
    return 1
}

# chapter_before CH: the chapter before CH (ch04 -> ch03), if any.
chapter_before() {
    local k
    for ((k = 1; k < ${#CHAPTERS[@]}; k++)); do
        [ "${CHAPTERS[k]}" = "$1" ] && { echo "${CHAPTERS[k - 1]}"; return 0; }
    done
    return 1
}

# chapters_from CH: chapter CH and every chapter after it (ch03 -> ch03 ch04 ...).
chapters_from() {
    local chapter on=
    for chapter in "${CHAPTERS[@]}"; do
        [ "$chapter" = "$1" ] && on=1
        [ -n "$on" ] && echo "$chapter"
    done
    return 0
}
