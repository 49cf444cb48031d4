package sh.antrieb.runbook.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.runbook.RealGuests;

/**
 * Findings on real guests, with what the debian12 image has (python3, systemd, files): one small cluster
 * serves the scenarios that run on a given cluster, each in files and ports of its own; the
 * missing-package scenario provisions a fresh cluster of its own and keeps it by the destroy policy.
 */
class FindingsIT {
    private static final Logger log = LoggerFactory.getLogger(FindingsIT.class);

    private static Antrieb antrieb;
    private static Cluster cluster;

    @BeforeAll
    static void provision() {
        antrieb = RealGuests.client();
        cluster = antrieb.provision(sh.antrieb.ClusterSpec.builder().nodes("debian12").vmSize(RealGuests.SMALL).build());
    }

    @AfterAll
    static void close() {
        if (cluster != null) {
            cluster.close();
        }
        if (antrieb != null) {
            antrieb.close();
        }
    }

    @Test
    void aScriptThatForgetsAPackageIsAMissingPackageNamingItAndAFailedClusterIsKeptUnderPolicyPassing() {
        Validation v = Validation.of(Code.bash("""
                        set -eu
                        # step: Write the settings
                        mkdir -p /etc/app && echo '{"port": 8080}' > /etc/app/settings.json
                        # step: Read the port
                        sqlite3 /etc/app/app.db 'select 8080' > /etc/app/port
                        """))
                .on("debian12").destroy(DestroyPolicy.PASSING).build();

        Findings f = v.run(antrieb);

        log.info("{}", f.toMarkdown());
        try {
            assertThat(f.passed()).isFalse();
            Finding x = f.failures().get(0);
            assertThat(x.phase()).isEqualTo(Finding.Phase.STEP);
            assertThat(x.step()).isEqualTo(2);
            assertThat(x.stepTitle()).isEqualTo("Read the port");
            assertThat(x.node()).isEqualTo("node1");
            assertThat(x.exitCode()).isEqualTo(127);
            assertThat(x.cause()).isEqualTo(Cause.MISSING_PACKAGE);
            assertThat(String.join("\n", x.evidence())).contains("sqlite3: command not found").contains("apt-get install -y sqlite3");
            assertThat(f.steps()).extracting(s -> s.step().number() + ":" + s.succeeded()).containsExactly("1:true", "2:false");
            assertThat(f.verify()).isEmpty();
            // Kept because it failed: open, a fresh cluster of its own, still in the state the script left.
            Cluster kept = f.cluster().orElseThrow();
            assertThat(kept.isOpen()).isTrue();
            assertThat(kept.id()).isEqualTo(f.clusterId()).isNotEqualTo(cluster.id());
            assertThat(kept.exec("node1", "cat /etc/app/settings.json").stdout()).contains("8080");
            assertThat(f.toJson()).contains("\"cause\" : \"missing_package\"").contains("\"session_id\" : \"" + kept.id() + "\"");
        } finally {
            f.cluster().ifPresent(Cluster::close);
        }
    }

    @Test
    void aUnitThatFailsToStartIsUnitFailedWithItsJournal() {
        Findings f = Validation.of(Code.bash("""
                        set -e
                        # step: Install the web unit
                        mkdir -p /etc/web /srv/web
                        printf '{"port": 8090,}\\n' > /etc/web/config.json
                        cat > /etc/systemd/system/web.service <<'EOF'
                        [Unit]
                        Description=Web server
                        [Service]
                        ExecStartPre=/usr/bin/python3 -c "import json; json.load(open('/etc/web/config.json'))"
                        ExecStart=/usr/bin/python3 -m http.server 8090 --directory /srv/web
                        [Install]
                        WantedBy=multi-user.target
                        EOF
                        systemctl daemon-reload
                        # step: Start it
                        systemctl enable --now web.service
                        """))
                .on("debian12").build().runOn(cluster);

        log.info("{}", f.toMarkdown());
        assertThat(f.passed()).isFalse();
        Finding x = f.failures().get(0);
        assertThat(x.step()).isEqualTo(2);
        assertThat(x.cause()).isEqualTo(Cause.UNIT_FAILED);
        String evidence = String.join("\n", x.evidence());
        assertThat(evidence).contains("Job for web.service failed").contains("unit web.service:")
                .contains("JSONDecodeError");    // the journal's own line: why it failed
    }

    @Test
    void aStepThatAppendsIsNotIdempotentAndOnlyThatStepIsNamed() {
        Findings f = Validation.of(Code.bash("""
                        set -e
                        # step: Write the page
                        mkdir -p /srv/idem && echo hello > /srv/idem/index.html
                        # step: Add the host name
                        echo "127.0.1.1 idem.internal" >> /etc/hosts
                        # step: Write the page again
                        echo hello > /srv/idem/index.html
                        """))
                .on("debian12").idempotence(true).build().runOn(cluster);

        log.info("{}", f.toMarkdown());
        assertThat(f.idempotenceChecked()).isTrue();
        assertThat(f.failures()).hasSize(1);
        Finding x = f.failures().get(0);
        assertThat(x.phase()).isEqualTo(Finding.Phase.IDEMPOTENCE);
        assertThat(x.cause()).isEqualTo(Cause.NOT_IDEMPOTENT);
        assertThat(x.step()).isEqualTo(2);
        assertThat(x.stepTitle()).isEqualTo("Add the host name");
        assertThat(x.evidence()).contains("node1:/etc/hosts");
        // Rewriting a file with the content it has is no change: steps 1 and 3 pass their second run.
        assertThat(f.steps()).filteredOn(s -> s.run() == 2).extracting(s -> s.step().number() + ":" + s.changed().size())
                .containsExactly("1:0", "2:1", "3:0");
    }

    @Test
    void aFailingVerifyIsVerifyFailedWithTheRefusedConnection() {
        Findings f = Validation.of(Code.bash("""
                        # step: Serve a page on 8081
                        mkdir -p /srv/v && echo verified > /srv/v/index.html
                        ss -ltn | grep -q ':8081 ' || { nohup setsid python3 -m http.server 8081 --directory /srv/v >/var/log/v.log 2>&1 < /dev/null & }
                        for i in $(seq 50); do ss -ltn | grep -q ':8081 ' && break; sleep 0.1; done
                        """))
                .on("debian12")
                .verify("node1", "curl -fsS http://127.0.0.1:8081/ | grep -q verified")
                .verify("node1", "curl -fsS http://127.0.0.1:8082/")           // nothing listens there
                .build().runOn(cluster);

        log.info("{}", f.toMarkdown());
        assertThat(f.steps()).allMatch(s -> s.succeeded() && s.changed().isEmpty());
        assertThat(f.verify()).extracting(r -> r.exitCode()).containsExactly(0, 7);
        assertThat(f.failures()).hasSize(1);
        Finding x = f.failures().get(0);
        assertThat(x.phase()).isEqualTo(Finding.Phase.VERIFY);
        assertThat(x.cause()).isEqualTo(Cause.VERIFY_FAILED);
        assertThat(x.command()).contains("8082");
        assertThat(String.join("\n", x.evidence())).contains("exit 7").contains("network");
        assertThat(List.of(f.toJson())).allMatch(j -> j.contains("\"cause\" : \"verify_failed\""));
    }
}
