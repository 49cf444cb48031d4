package sh.antrieb.runbook.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Antrieb;
import sh.antrieb.runbook.RealGuests;

/**
 * An Ansible playbook validated on a real guest: node1 on the {@code ansible-controller} stack image (Debian's
 * ansible-core, built on first use and cached) runs it against itself. Idempotence comes from Ansible's own
 * recap, so the finding names the task that changed, not the files.
 */
class AnsibleFindingsIT {
    private static final Logger log = LoggerFactory.getLogger(AnsibleFindingsIT.class);

    @AutoClose
    private static final Antrieb antrieb = RealGuests.client();

    @Test
    void aPlaybookWhoseShellTaskAlwaysChangesIsNotIdempotentNamingThatTaskAndOnlyIt() {
        Findings f = Validation.of(Code.ansible("""
                        - hosts: all
                          gather_facts: false
                          tasks:
                            - name: Make the directory
                              ansible.builtin.file:
                                path: /etc/app
                                state: directory
                            - name: Write the settings
                              ansible.builtin.copy:
                                dest: /etc/app/settings.json
                                content: '{"port": 8090}'
                            - name: Stamp the run
                              ansible.builtin.shell: date +%s%N > /etc/app/stamp
                        """))
                .on("ansible-controller")
                .verify("node1", "grep -q 8090 /etc/app/settings.json && test -s /etc/app/stamp")
                .build()
                .run(antrieb);

        log.info("{}", f.toMarkdown());
        assertThat(f.passed()).isFalse();
        // The first run did the work; its recap is in the step's output.
        assertThat(f.steps()).filteredOn(s -> s.run() == 1).singleElement()
                .satisfies(s -> assertThat(s.succeeded()).isTrue());
        // The second run: the file and copy tasks were ok, the shell task changed again, and that is the finding.
        assertThat(f.failures()).singleElement().satisfies(x -> {
            assertThat(x.phase()).isEqualTo(Finding.Phase.IDEMPOTENCE);
            assertThat(x.cause()).isEqualTo(Cause.NOT_IDEMPOTENT);
            assertThat(x.node()).isEqualTo("node1");
            assertThat(x.evidence()).contains("task 'Stamp the run' changed on node1")
                    .noneMatch(e -> e.contains("Make the directory") || e.contains("Write the settings"));
        });
        // Verify still ran and passed: the code works, it just is not idempotent.
        assertThat(f.verify()).singleElement().satisfies(v -> assertThat(v.exitCode()).isZero());
        // Destroy policy ALWAYS: nothing left.
        assertThat(f.cluster()).isEmpty();
        assertThat(antrieb.clusters()).isEmpty();
    }
}
