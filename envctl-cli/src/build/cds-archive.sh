#!/bin/sh
# Build step (mvn package): makes the class-data archive lib/envctl.jsa of the distribution by running
# 'envctl list' once on a scratch CSV store with -XX:ArchiveClassesAtExit, and records the JVM it fits in
# lib/envctl.jsa.java. Never fails the build: without an archive envctl only starts slower.
# Usage: cds-archive.sh JAVA LIB_DIR SCRATCH_HOME
java="$1"
lib=$(cd "$2" && pwd -P)
home="$3"
rm -f "$lib/envctl.jsa" "$lib/envctl.jsa.java"
rm -rf "$home" && mkdir -p "$home"
if HOME="$home" "$java" -XX:ArchiveClassesAtExit="$lib/envctl.jsa" -Xlog:disable -Xlog:all=error:stderr \
    -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -cp "$lib/*" dev.envctl.cli.Main list >/dev/null \
    && [ -f "$lib/envctl.jsa" ]; then
  echo "$java" > "$lib/envctl.jsa.java"
else
  echo "envctl: could not make the class-data archive; envctl will start without it" >&2
  rm -f "$lib/envctl.jsa"
fi
exit 0
