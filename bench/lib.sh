# Shared by the bench scripts: a JDK >= 21, the test class path, and a runner for benchmark mains
# that live beside the tests (they reuse the test cluster and app support).
if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
    JAVA_HOME=$(ls -d /usr/lib/jvm/*25* /usr/lib/jvm/*21* 2>/dev/null | head -n 1)
    export JAVA_HOME
fi
run_test_main() {
    ./mvnw -q -B -Dspotless.apply.skip=true test-compile >/dev/null
    ./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath -pl app >/dev/null
    (cd app && "$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" "$@" 2>target/bench.log)
}
