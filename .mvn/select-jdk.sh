# Sourced by ./mvnw, ./claribi and .ci/run: makes JAVA_HOME point at a JDK >= 21.
# Keeps a JAVA_HOME that is already new enough; otherwise takes the newest JDK under /usr/lib/jvm.
claribi_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
if [ -z "${JAVA_HOME-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(claribi_java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  claribi_best=""
  claribi_best_major=0
  for claribi_jdk in $(find /usr/lib/jvm -mindepth 1 -maxdepth 1 2>/dev/null | sort); do
    claribi_jdk=${claribi_jdk%/}
    [ -x "$claribi_jdk/bin/javac" ] || continue
    claribi_major=$(claribi_java_major "$claribi_jdk")
    if [ -n "$claribi_major" ] && [ "$claribi_major" -gt "$claribi_best_major" ]; then
      claribi_best=$claribi_jdk
      claribi_best_major=$claribi_major
    fi
  done
  if [ "$claribi_best_major" -ge 21 ]; then
    JAVA_HOME=$claribi_best
    export JAVA_HOME
  else
    echo "clariBI needs a JDK 21 or newer: set JAVA_HOME or install one under /usr/lib/jvm" >&2
    exit 1
  fi
fi
PATH="$JAVA_HOME/bin:$PATH"
export PATH
