#!/bin/sh
# The JVM install test: installs the jars of `make package` (with their POMs) into a fresh
# repository folder, then builds and tests a Maven project outside this repository that depends
# on them the way a user's project does (omi-push, and omi-push-testing in test scope), with an
# empty local Maven repository (everything else comes from Maven Central). Its test runs a short
# flow against the simulator: push, approve, confirmed.
#
#   package-test.sh <omi-push jar> <omi-push-testing jar>
#
# OMI_PUSH_TEST_KOTLIN / OMI_PUSH_TEST_COROUTINES pin kotlin-stdlib / kotlinx-coroutines-core to
# another version in the project (as Spring Boot's dependency management does), to test a range.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
jar=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
testing_jar=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
work=${OMI_PUSH_INSTALL_TEST_DIR:-/tmp/omi-push-jvm-install-test}
mvn=${MVN:-mvn}
version=0.1.0
pins=""
if [ -n "${OMI_PUSH_TEST_KOTLIN:-}" ]; then
    pins="$pins<dependency><groupId>org.jetbrains.kotlin</groupId><artifactId>kotlin-stdlib</artifactId><version>$OMI_PUSH_TEST_KOTLIN</version></dependency>"
fi
if [ -n "${OMI_PUSH_TEST_COROUTINES:-}" ]; then
    pins="$pins<dependency><groupId>org.jetbrains.kotlinx</groupId><artifactId>kotlinx-coroutines-core-jvm</artifactId><version>$OMI_PUSH_TEST_COROUTINES</version></dependency>"
    pins="$pins<dependency><groupId>org.jetbrains.kotlinx</groupId><artifactId>kotlinx-coroutines-core</artifactId><version>$OMI_PUSH_TEST_COROUTINES</version></dependency>"
fi

rm -rf "$work"
mkdir -p "$work/repo" "$work/m2" "$work/app/src/test/java/example"
repo_url="file://$work/repo"
# Git Bash on Windows: Maven wants file:///D:/...
if command -v cygpath >/dev/null 2>&1; then repo_url="file:///$(cygpath -m "$work/repo")"; fi

install() {
    $mvn -B -ntp -q -Dmaven.repo.local="$work/m2" org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file \
        -Dfile="$1" -DpomFile="$2" -DlocalRepositoryPath="$work/repo"
}
install "$jar" "$here/pom.xml"
install "$testing_jar" "$here/testing/pom.xml"
rm -rf "$work/m2"

cat >"$work/app/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>omi-push-user</artifactId>
  <version>1.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement><dependencies>$pins</dependencies></dependencyManagement>
  <repositories>
    <repository>
      <id>omi-push-install-test</id>
      <url>$repo_url</url>
    </repository>
  </repositories>
  <dependencies>
    <dependency>
      <groupId>dev.omipush</groupId>
      <artifactId>omi-push</artifactId>
      <version>$version</version>
    </dependency>
    <dependency>
      <groupId>dev.omipush</groupId>
      <artifactId>omi-push-testing</artifactId>
      <version>$version</version>
      <scope>test</scope>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <version>5.14.4</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-compiler-plugin</artifactId>
        <version>3.14.0</version>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-surefire-plugin</artifactId>
        <version>3.5.4</version>
      </plugin>
    </plugins>
  </build>
</project>
EOF

cat >"$work/app/src/test/java/example/ConfirmTest.java" <<'EOF'
package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.omipush.OmiClient;
import dev.omipush.OmiConfig;
import dev.omipush.Outcome;
import dev.omipush.OutcomeKind;
import dev.omipush.PushTicket;
import dev.omipush.testing.Simulator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import kotlin.KotlinVersion;
import org.junit.jupiter.api.Test;

class ConfirmTest {
    @Test
    void pushApproveConfirmed() throws Exception {
        try (Simulator sim = Simulator.start();
             OmiClient client = new OmiClient(OmiConfig.builder(sim.getBaseUrl())
                     .clientCredentials(sim.getClientId(), sim.getClientSecret())
                     .pollInterval(Duration.ofMillis(50))
                     .build())) {
            PushTicket ticket = client.sendPushBlocking("user-1", "Confirm the new payee", "dev-1");
            sim.approve(ticket.getNonce());
            Outcome outcome = client.waitForConfirmationBlocking(ticket.getNonce(), Duration.ofSeconds(10));
            assertEquals(OutcomeKind.CONFIRMED, outcome.getKind());
            // The CompletableFuture forms run on kotlinx-coroutines (the suspend path).
            PushTicket second = client.sendPushAsync("user-1", "And the limit", "dev-1").get(10, TimeUnit.SECONDS);
            sim.reject(second.getNonce());
            Outcome rejected = client.waitForConfirmationAsync(second.getNonce(), Duration.ofSeconds(10)).get(15, TimeUnit.SECONDS);
            assertEquals(OutcomeKind.REJECTED, rejected.getKind());
            System.out.println("install-test: kotlin-stdlib " + KotlinVersion.CURRENT);
            String library = System.getProperty("uniffi.component.omi_push_uniffi.libraryOverride");
            System.out.println("install-test: " + outcome.getKind() + " after " + outcome.getPolls()
                    + " poll(s); native library unpacked from the jar to " + library);
            assertTrue(library != null && !library.contains("/work/"), "loaded from " + library);
        }
    }
}
EOF

cd "$work/app"
$mvn -B -ntp -Dmaven.repo.local="$work/m2" test | grep -E 'install-test:|Tests run:|BUILD|ERROR' || true
test -f target/surefire-reports/TEST-example.ConfirmTest.xml || { echo "package-test: no test report" >&2; exit 1; }
grep -q 'failures="0"' target/surefire-reports/TEST-example.ConfirmTest.xml &&
    grep -q 'errors="0"' target/surefire-reports/TEST-example.ConfirmTest.xml &&
    grep -q 'tests="1"' target/surefire-reports/TEST-example.ConfirmTest.xml ||
    { echo "package-test: FAIL (see $work/app/target/surefire-reports)" >&2; exit 1; }
echo "package-test: OK (a Maven project in $work/app built and tested against the installed jars)"
