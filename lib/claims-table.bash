# What the repository knows about its claims, read in one place: the table
# tests/claims.txt (where each claim holds, what it says, its hint and README
# section), and the headers of the patches that break them (the variants,
# chNN-*/variants/NAME.patch, and the exercise solutions,
# tests/exercises/chNN-NAME.patch). Sourced by tests/matrix, tests/run,
# scripts/variant and the tests that need a claim's or a patch's data.
#
# A patch's header, the lines before its diff, is the same for both kinds:
#   line 1           what the patch changes, in one line
#   the lines after  (if any) why that is wrong, or how it differs
#   fails: CLAIM...  the claims of its chapter that catch it; none when
#                    every claim still holds (a solution written differently,
#                    a harmless variant)
#   varies: CLAIM... (optional) claims whose outcome depends on timing, not
#                    run; the reason follows in brackets, over as many
#                    indented lines as it needs
# then the diff, from its first "--- a/" line, against the repository's files.

# shellcheck source=chapters.bash
source "$(dirname "${BASH_SOURCE[0]}")/chapters.bash"

# read_claims: reads tests/claims.txt into
#   CLAIM_NAMES          the claims, in the table's order
#   CLAIM_CELL[NAME CH]  holds, fails or - : what NAME shows in chapter CH
#   CLAIM_SAYS[NAME en]  what the claim says (README.md); [NAME zh] in Chinese
#   CLAIM_HINT[NAME en]  what make check-chNN says when it does not hold; [NAME zh]
#   CLAIM_READ[NAME]     the README section that explains it: "CH N"
#   CLAIM_NEEDS[NAME]    the line of the repository's log its experiment
#                        reads ("[PID] client ADDRESS:PORT disconnected"), or
#                        unset: a foreign server (FOREIGN_SERVER) prints no
#                        such line, and the claim is n/a for it
# Fails with a line on stderr when the table is not well formed.
read_claims() {
    local line n=0 name='' key value k
    local -a words
    local -A fields=()
    CLAIM_NAMES=()
    declare -gA CLAIM_CELL=() CLAIM_SAYS=() CLAIM_HINT=() CLAIM_READ=() CLAIM_NEEDS=()
    while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        if [[ $line == '# claim '* ]]; then
            read -r -a words <<<"${line#\# claim }"
            [ "${words[*]}" = "${CHAPTERS[*]}" ] ||
                { echo "tests/claims.txt:$n: the columns (${words[*]}) are not the chapters (${CHAPTERS[*]})" >&2; return 1; }
            continue
        fi
        [[ -z $line || $line == \#* ]] && continue
        if [[ $line == [[:space:]]* ]]; then
            read -r key value <<<"$line"
            [ -n "$name" ] || { echo "tests/claims.txt:$n: a field before any claim" >&2; return 1; }
            [ -z "${fields[$key]:-}" ] || { echo "tests/claims.txt:$n: $name has two '$key' fields" >&2; return 1; }
            fields[$key]=1
            case $key in
            says) CLAIM_SAYS[$name en]=$value ;;
            says-zh) CLAIM_SAYS[$name zh]=$value ;;
            hint) CLAIM_HINT[$name en]=$value ;;
            hint-zh) CLAIM_HINT[$name zh]=$value ;;
            read)
                [[ $value =~ ^(ch[0-9]+)\ [0-9]+$ ]] && chapter_dir "${BASH_REMATCH[1]}" >/dev/null ||
                    { echo "tests/claims.txt:$n: $name: 'read $value' is not a chapter and a section number" >&2; return 1; }
                CLAIM_READ[$name]=$value
                ;;
            needs-log) CLAIM_NEEDS[$name]=$value ;;
            *) echo "tests/claims.txt:$n: $name: '$key' is not says, says-zh, hint, hint-zh, read or needs-log" >&2; return 1 ;;
            esac
            continue
        fi
        claim_complete "$name" || return 1
        read -r -a words <<<"$line"
        name=${words[0]}
        [ "${#words[@]}" -eq $((${#CHAPTERS[@]} + 1)) ] ||
            { echo "tests/claims.txt:$n: '$line' is not a claim's first line: its name and a cell per chapter" >&2; return 1; }
        [ -z "${CLAIM_CELL[$name ${CHAPTERS[0]}]:-}" ] || { echo "tests/claims.txt:$n: $name is there twice" >&2; return 1; }
        for ((k = 0; k < ${#CHAPTERS[@]}; k++)); do
            case ${words[k + 1]} in holds | fails | -) ;; *)
                echo "tests/claims.txt:$n: $name, ${CHAPTERS[k]}: '${words[k + 1]}' is not holds, fails or -" >&2
                return 1
                ;;
            esac
            CLAIM_CELL[$name ${CHAPTERS[k]}]=${words[k + 1]}
        done
        CLAIM_NAMES+=("$name")
        fields=()
    done <"$REPO/tests/claims.txt"
    claim_complete "$name"
}

# claim_complete NAME: the claim read last (if any) has every field.
claim_complete() {
    [ -n "$1" ] || return 0
    [ -n "${CLAIM_SAYS[$1 en]:-}" ] && [ -n "${CLAIM_SAYS[$1 zh]:-}" ] && [ -n "${CLAIM_HINT[$1 en]:-}" ] &&
        [ -n "${CLAIM_HINT[$1 zh]:-}" ] && [ -n "${CLAIM_READ[$1]:-}" ] && return 0
    echo "tests/claims.txt: $1 lacks one of says, says-zh, hint, hint-zh and read" >&2
    return 1
}

# VARIANT_NAMES: every variant, chNN-NAME, in chapter order; VARIANT_PATCH:
# the patch of each (chNN-NAME -> its chapter's folder/variants/NAME.patch,
# from the top of the repository). Arrays, not functions
# printing them: a $(...) per variant cost a process each.
VARIANT_NAMES=()
declare -A VARIANT_PATCH=()
find_variants() {
    local dir file name
    for dir in "${CHAPTER_DIRS[@]}"; do
        for file in "$REPO/$dir"/variants/*.patch; do
            [ -f "$file" ] || continue
            name=${file##*/}
            name=${dir%%-*}-${name%.patch}
            VARIANT_NAMES+=("$name")
            VARIANT_PATCH[$name]=$dir/variants/${file##*/}
        done
    done
}
find_variants

# The claims whose experiment holds the server with gdb (tests/lib/held.bash).
# gdb cannot hold a server built with sanitizers, whose interceptors stand
# where its breakpoints go: under make SANITIZE=... these claims are not
# run (tests/matrix leaves them out of every column, read_patch out of
# PATCH_FAILS).
UNSANITIZED_ONLY=" stops-between-check-and-wait child-stop-before-reset errno-survives-handler stop-waits-through-sigchld "

# runnable CLAIM: CLAIM runs in this build (see UNSANITIZED_ONLY).
runnable() {
    [ -z "${SANITIZE:-}" ] || [[ $UNSANITIZED_ONLY != *" $1 "* ]]
}

# CLAIM_SECONDS: how long one claim may run against a server that is not
# one of the repository's own (make check-chNN, tests/run --server): its
# waits are bounded, and this bounds their sum, whatever the server does
# (Bats ends the test once the command running then returns, itself
# bounded: timeout 5 for a client). 60 s, times TIME_SCALE, unless set.
CLAIM_SECONDS=${CLAIM_SECONDS:-$((60 * ${TIME_SCALE:-1}))}

# applicable CLAIM: CLAIM can grade the server under test: it is of this
# repository, or the claim reads none of the repository's log lines. With
# FOREIGN_SERVER set (tests/run --server, make check-chNN SERVER=...), the
# server is another program, which prints none of them.
applicable() {
    [ -z "${FOREIGN_SERVER:-}" ] || [ -z "${CLAIM_NEEDS[$1]:-}" ]
}

# read_patch FILE: reads the header of patch FILE (a variant or an exercise
# solution) into
#   PATCH_CHAPTER  the chapter it is a version of (ch04)
#   PATCH_SUMMARY  its first line
#   PATCH_FAILS    the claims after "fails:" (an array, maybe empty)
#   PATCH_VARIES   the claims after "varies:" (an array, maybe empty)
#   PATCH_FILES    the files its diff changes
#   PATCH_UNRUNNABLE  1 when every claim it fails is left out (runnable)
# Fails with a line on stderr when FILE has no "fails:" line or no diff.
# shellcheck disable=SC2034 # the PATCH_ variables are the callers'
read_patch() {
    local file=$1 line n=0 header=1 varies
    [[ $file == /* ]] || file=$REPO/$file
    PATCH_SUMMARY='' PATCH_FAILS=() PATCH_VARIES=() PATCH_FILES=()
    if [[ $file == */variants/*.patch ]]; then PATCH_CHAPTER=${file%/variants/*}; else PATCH_CHAPTER=$file; fi
    PATCH_CHAPTER=${PATCH_CHAPTER##*/}
    PATCH_CHAPTER=${PATCH_CHAPTER%%-*}
    local -i fails=0
    while IFS= read -r line; do
        n=$((n + 1))
        if ((!header)); then
            [[ $line == '+++ b/'* ]] && PATCH_FILES+=("${line#+++ b/}")
            continue
        fi
        ((n > 1)) || PATCH_SUMMARY=$line
        case $line in
        '--- a/'*) header=0 ;;
        fails:*)
            fails+=1
            read -r -a PATCH_FAILS <<<"${line#fails:}"
            ;;
        varies:*)
            varies=${line#varies:}
            read -r -a PATCH_VARIES <<<"${varies%%(*}"
            ;;
        esac
    done <"$file"
    case $PATCH_SUMMARY in '' | fails:* | '--- a/'*) fails=0 ;; esac
    # Under sanitizers, the claims that do not run there are left out; a
    # patch whose every claim is such says so in PATCH_UNRUNNABLE.
    local claim runnable_fails=()
    PATCH_UNRUNNABLE=
    for claim in "${PATCH_FAILS[@]}"; do runnable "$claim" && runnable_fails+=("$claim"); done
    ((${#PATCH_FAILS[@]} == 0 || ${#runnable_fails[@]} > 0)) || PATCH_UNRUNNABLE=1
    PATCH_FAILS=("${runnable_fails[@]}")
    [ "$fails" -eq 1 ] && [ ${#PATCH_FILES[@]} -gt 0 ] && return 0
    echo "$1: not a patch with a header: a line saying what it changes, one line \"fails: CLAIM...\" (maybe with no claim), then the diff" >&2
    return 1
}
