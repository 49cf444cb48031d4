package sh.antrieb.runbook.validation.internal;

import java.util.List;
import java.util.Locale;

import sh.antrieb.ClusterSpec;
import sh.antrieb.NetworkSpec;
import sh.antrieb.runbook.RunbookWriter;
import sh.antrieb.runbook.Step;
import sh.antrieb.runbook.Topology;
import sh.antrieb.runbook.validation.Findings;

/**
 * Turns what worked into one runbook: the topology the code ran on, its steps in order with their nodes
 * (scripts as they ran), and the verify checks. Proving it is the caller's next step.
 */
public final class Distiller {
    private Distiller() {
    }

    /**
     * The runbook's markdown.
     *
     * @param task      what the code does; the first line becomes the title
     * @param spec      the cluster shape it ran on
     * @param plan      the plan of the code that passed
     * @param passed    that pass's findings
     * @param iteration the number of the iteration that passed
     */
    public static String distil(String task, ClusterSpec spec, Plan plan, Findings passed, int iteration) {
        String title = task.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("Validated code");
        if (title.length() > 100) {
            title = title.substring(0, 97) + "...";
        }
        RunbookWriter w = RunbookWriter.create(title, topology(spec))
                .description(task.strip() + "\n\nDistilled by the Antrieb validation engine from iteration " + iteration + " ("
                        + plan.code().language().id() + ", cluster `" + passed.clusterId() + "`), where every step passed"
                        + (passed.idempotenceChecked() ? " twice, changing nothing the second time," : "")
                        + " and every check passed.");
        for (Step s : plan.steps()) {
            String why = s.why().isBlank()
                    ? "Passed in " + String.format(Locale.ROOT, "%.1f s", stepMillis(passed, s.number()) / 1000.0) + " on "
                            + String.join(", ", s.commands().stream().flatMap(b -> b.nodes().stream()).distinct().toList()) + "."
                    : s.why();
            w.step(s.title(), why, s.commands());
        }
        w.verifyBlocks(plan.verify());
        return w.toMarkdown();
    }

    private static long stepMillis(Findings f, int number) {
        return f.steps().stream().filter(r -> r.run() == 1 && r.step().number() == number).mapToLong(r -> r.duration().toMillis())
                .findFirst().orElse(0);
    }

    /** The runbook topology of {@code spec}: its node groups and declared networks with each node's NICs. */
    static Topology topology(ClusterSpec spec) {
        if (!spec.declaresNetworks()) {
            return Topology.of(spec);
        }
        List<Topology.Network> nets = spec.networks().stream()
                .map((NetworkSpec n) -> new Topology.Network(n.name(), n.cidr().orElse(null), n.egress(), n.dhcp())).toList();
        return new Topology(spec.nodes(), nets, spec.nics());
    }
}
