# Variant builds: a chapter's server with one file replaced, made by a test.

# build_variant DIR CHAPTER-FOLDER: links DIR/server, a variant of that
# chapter's server made by a test: DIR/server.cpp, if there is one, replaces
# the chapter's server.cpp, and DIR/NAME.cpp replaces common/NAME.cpp. The
# rest comes from the real build, with its flags (build/flags), except that
# the files replaced are compiled without optimisation or debug information:
# compiling is the costliest thing a test here does.
build_variant() {
    local dir=$1 chapter=$2 object name objects=()
    for object in "$REPO/build/$chapter/server.o" "$REPO"/build/common/*.o; do
        name=${object##*/}
        name=${name%.o}
        if [ -f "$dir/$name.cpp" ]; then
            (cd "$REPO" && $(cat build/flags) -O0 -g0 -c "$dir/$name.cpp" -o "$dir/$name.o") || return 1
            object=$dir/$name.o
        fi
        objects+=("$object")
    done
    (cd "$REPO" && $(cat build/flags) "${objects[@]}" -o "$dir/server")
}
