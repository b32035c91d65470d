# Shared by the bench scripts: a JDK >= 21, the test class path, and a runner for benchmark mains
# that live beside the tests (they reuse the test cluster and app support).
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    JAVA_HOME=$(ls -d /usr/lib/jvm/*25* /usr/lib/jvm/*21* 2>/dev/null | head -n 1 || true) # one glob may match nothing
    export JAVA_HOME
fi
# BENCH_BUILD_DIR (default target): the build's output directory under app/, as
# -Dclassbase.build.directory, so a benchmark can run beside another build of the same checkout.
run_test_main() {
    local dir=${BENCH_BUILD_DIR:-target}
    local build=(-q -B)
    if [ "$dir" != target ]; then
        build+=("-Dclassbase.build.directory=$dir")
    fi
    ./mvnw "${build[@]}" -Dspotless.apply.skip=true test-compile >/dev/null
    ./mvnw "${build[@]}" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$dir/bench.classpath" -pl app >/dev/null
    (cd app && "$JAVA_HOME/bin/java" -cp "$dir/test-classes:$dir/classes:$(cat "$dir/bench.classpath")" "$@" 2>"$dir/bench.log")
}
