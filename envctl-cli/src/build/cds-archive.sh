#!/bin/sh
# Build step (mvn package): makes the class-data archive lib/envctl.jsa of the distribution, and records in
# lib/envctl.jsa.java the JVM it fits, the folder it was made in and whether it maps at its own address. A training run
# (the test class path's dev.envctl.cli.StartupTraining: version, --help, list and get on a scratch CSV store
# and, through
# the test class path's dev.envctl.cli.TrainingPostgres, create, list and get on an embedded PostgreSQL with a
# password login, and create, stop, start and delete through both providers with core's stand-in tools, in one
# JVM) writes the list of classes it loads, and the method-handle forms it links; a
# static dump (-Xshare:dump) maps them all, the JDK's own classes included, and pre-generates those forms,
# which a dynamic archive (-XX:ArchiveClassesAtExit) leaves to be spun at run time. The class path is
# lib/envctl.jar, the start of the launcher's, so the archive also serves runs with plugin jars after it (the
# training's class path puts the test class path after it: the classes envctl runs come from the jar).
# Never fails the build: without the test classes (-Dmaven.test.skip=true) there is no training and no
# archive, and without an archive envctl only starts slower; without a PostgreSQL to start, the training
# covers the CSV store only.
# Usage: cds-archive.sh JAVA LIB_DIR SCRATCH_HOME [TEST_CLASS_PATH]
java="$1"
lib=$(cd "$2" && pwd -P)
home="$3"
testcp="$4"
rm -f "$lib/envctl.jsa" "$lib/envctl.jsa.java"
rm -rf "$home" && mkdir -p "$home"
# the launcher's flags; the default GC (G1), with which the archive also holds heap objects
flags="-Xlog:disable -Xlog:all=error:stderr -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
train() {
  # shellcheck disable=SC2086
  HOME="$home" "$@" "$java" $flags -XX:DumpLoadedClassList="$home/classes.list" -cp "$lib/envctl.jar:$testcp" \
    dev.envctl.cli.StartupTraining "$home/training" >/dev/null 2>>"$home/training.log"
}
if { [ -n "$testcp" ] && train "$java" -cp "$testcp" dev.envctl.cli.TrainingPostgres; } || train env \
    && "$java" $flags -Xshare:dump -XX:SharedClassListFile="$home/classes.list" \
      -XX:SharedArchiveFile="$lib/envctl.jsa" -cp "$lib/envctl.jar" >"$home/dump.log" 2>&1 \
    && [ -f "$lib/envctl.jsa" ]; then
  # the JVM it fits and the folder it was made in: a JVM rejects an archive whose jar moved, and then starts
  # with no class data at all, slower than without the flag, so the launcher only passes it in place
  # and whether that JVM maps the archive at the address it was made for (recent Java 17 updates map it
  # elsewhere by default and then rewrite every pointer in it, 20 to 40 ms of each start; it falls back to that
  # by itself when the address is taken)
  at_base=""
  # shellcheck disable=SC2086
  if "$java" $flags -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -Xshare:on \
      -XX:SharedArchiveFile="$lib/envctl.jsa" -cp "$lib/envctl.jar" -version >>"$home/dump.log" 2>&1; then
    at_base="at-base"
  fi
  printf '%s\n%s\n%s\n' "$java" "$lib" "$at_base" > "$lib/envctl.jsa.java"
else
  echo "envctl: could not make the class-data archive (see $home/dump.log); envctl will start without it" >&2
  rm -f "$lib/envctl.jsa"
fi
exit 0
