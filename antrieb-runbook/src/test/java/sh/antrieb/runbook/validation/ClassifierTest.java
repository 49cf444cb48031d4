package sh.antrieb.runbook.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import sh.antrieb.ExecResult;
import sh.antrieb.runbook.validation.internal.AnsibleOutput;
import sh.antrieb.runbook.validation.internal.Classifier;
import sh.antrieb.runbook.validation.internal.Classifier.Diagnosis;

/** Cause classes read from outputs recorded on debian12 guests (FindingsIT's and by hand). */
class ClassifierTest {

    private static ExecResult result(String command, int exit, String stdout, String stderr) {
        return new ExecResult("node1", command, exit, stdout, stderr, Instant.EPOCH, Duration.ofMillis(120), false);
    }

    @Test
    void aCommandThatAKnownPackageProvidesIsAMissingPackageNamingThePackage() {
        Diagnosis d = Classifier.classify(result("sqlite3 x 'select 1'", 127, "", "bash: line 2: sqlite3: command not found\n"), Map.of());
        assertThat(d.cause()).isEqualTo(Cause.MISSING_PACKAGE);
        assertThat(d.evidence()).containsExactly("bash: line 2: sqlite3: command not found",
                "`sqlite3` comes with the Debian package `sqlite3`, which is not installed: apt-get install -y sqlite3");
    }

    @Test
    void dashsNotFoundAndAptsUnknownPackageAreMissingPackagesToo() {
        assertThat(Classifier.classify(result("dig x", 127, "", "/bin/sh: 1: dig: not found\n"), Map.of()).evidence())
                .anyMatch(l -> l.contains("bind9-dnsutils"));
        Diagnosis apt = Classifier.classify(result("apt-get install -y ngnix", 100, "Reading package lists...\n",
                "E: Unable to locate package ngnix\n"), Map.of());
        assertThat(apt.cause()).isEqualTo(Cause.MISSING_PACKAGE);
        assertThat(apt.evidence()).containsExactly("E: Unable to locate package ngnix");
        assertThat(Classifier.classify(result("python3 app.py", 1, "", "Traceback (most recent call last):\n"
                + "ModuleNotFoundError: No module named 'flask'\n"), Map.of()).cause()).isEqualTo(Cause.MISSING_PACKAGE);
    }

    @Test
    void anUnknownCommandIsCommandNotFound() {
        Diagnosis d = Classifier.classify(result("sytemctl start web", 127, "", "bash: line 1: sytemctl: command not found\n"), Map.of());
        assertThat(d.cause()).isEqualTo(Cause.COMMAND_NOT_FOUND);
        assertThat(d.evidence().get(1)).contains("`sytemctl` is not on the PATH");
    }

    @Test
    void aUnitThatFailedCarriesItsJournalFromTheProbe() {
        String probe = """
                === web.service
                state: failed
                json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 15 (char 14)
                web.service: Control process exited, code=exited, status=1/FAILURE
                Failed to start web.service - Web server.
                """;
        ExecResult r = result("systemctl enable --now web.service", 1, "",
                "Created symlink /etc/systemd/system/multi-user.target.wants/web.service -> /etc/systemd/system/web.service.\n"
                        + "Job for web.service failed because the control process exited with error code.\n"
                        + "See \"systemctl status web.service\" and \"journalctl -xeu web.service\" for details.\n");
        assertThat(Classifier.unitsNamed(r)).containsExactly("web.service");
        Diagnosis d = Classifier.classify(r, Classifier.parseUnits(probe));
        assertThat(d.cause()).isEqualTo(Cause.UNIT_FAILED);
        assertThat(d.evidence()).startsWith("Job for web.service failed because the control process exited with error code.",
                "unit web.service:", "  state: failed");
        assertThat(d.evidence()).anyMatch(l -> l.contains("JSONDecodeError"));
        assertThat(Classifier.unitProbe(Classifier.unitsNamed(r))).contains("for x in web.service ''");
    }

    @Test
    void permissionNetworkTimeoutUnreachableAndTheRest() {
        assertThat(Classifier.classify(result("echo x > /proc/version", 1, "", "bash: line 1: /proc/version: Permission denied\n"),
                Map.of()).cause()).isEqualTo(Cause.PERMISSION);
        assertThat(Classifier.classify(result("curl -fsS http://node9/", 6, "", "curl: (6) Could not resolve host: node9\n"),
                Map.of()).cause()).isEqualTo(Cause.NETWORK);
        assertThat(Classifier.classify(result("curl -fs http://127.0.0.1:8082/", 7, "", ""), Map.of()).evidence())
                .containsExactly("curl exit 7: could not connect (refused or unreachable)");
        ExecResult slow = new ExecResult("node1", "sleep 600", -1, "", "command timed out after 30 s", Instant.EPOCH,
                Duration.ofSeconds(30), true);
        assertThat(Classifier.classify(slow, Map.of()).cause()).isEqualTo(Cause.TIMEOUT);
        assertThat(Classifier.classify(result("reboot", -1, "", "node1 is unreachable: connection reset"), Map.of()).cause())
                .isEqualTo(Cause.UNREACHABLE);
        Diagnosis other = Classifier.classify(result("test -f /etc/app.conf", 1, "", ""), Map.of());
        assertThat(other.cause()).isEqualTo(Cause.COMMAND_FAILED);
        assertThat(other.evidence()).containsExactly("exit 1 with no output");
    }

    @Test
    void aUnitsStateChangeTimeTellsWhetherItFailedBeforeThePassStarted() {
        Map<String, List<String>> units = Classifier.parseUnits("=== old.service\nstate: failed\nsince: 4100000\n"
                + "=== web.service\nstate: failed\nsince: 93000000\nboom\n=== odd.service\nstate: failed\nsince: \n");
        long started = Classifier.uptimeMicros("12.50 11.20\n");
        assertThat(started).isEqualTo(12_500_000L);
        assertThat(Classifier.stateChangedMicros(units.get("old.service"))).isLessThan(started);
        assertThat(Classifier.stateChangedMicros(units.get("web.service"))).isGreaterThan(started);
        assertThat(Classifier.stateChangedMicros(units.get("odd.service"))).as("unknown counts as the code's").isGreaterThan(started);
        assertThat(Classifier.unitProbe(java.util.Set.of())).contains("systemctl show -p StateChangeTimestampMonotonic --value");
    }

    @Test
    void theUnitProbeOutputParsesIntoUnitsAndTheirLines() {
        Map<String, List<String>> units = Classifier.parseUnits("=== a.service\nstate: failed\n-- No entries --\n=== b.service\nstate: inactive\nboom\n");
        assertThat(units).containsOnlyKeys("a.service", "b.service");
        assertThat(units.get("a.service")).containsExactly("state: failed");
        assertThat(units.get("b.service")).containsExactly("state: inactive", "boom");
    }

    @Test
    void ansibleRecapNamesTheChangedTasks() {
        String out = """
                PLAY [all] *********************************************************************

                TASK [Gathering Facts] *********************************************************
                ok: [node1]
                ok: [node2]

                TASK [Write the page] **********************************************************
                ok: [node2]

                TASK [Append the host] *********************************************************
                changed: [node2]

                PLAY RECAP *********************************************************************
                node1                      : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
                node2                      : ok=3    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
                """;
        assertThat(AnsibleOutput.changedCount(out)).isEqualTo(1);
        assertThat(AnsibleOutput.changedTasks(out)).containsExactly("task 'Append the host' changed on node2");
    }
}
