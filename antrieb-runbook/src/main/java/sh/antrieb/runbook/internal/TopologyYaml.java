package sh.antrieb.runbook.internal;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import sh.antrieb.NodeSpec;
import sh.antrieb.runbook.Topology;

/** Writes a {@link Topology} as the YAML that {@link TopologyParser} reads back. */
public final class TopologyYaml {
    private TopologyYaml() {
    }

    /** The YAML text, ending in a newline. */
    public static String write(Topology topology) {
        StringBuilder y = new StringBuilder("nodes: [");
        StringJoiner groups = new StringJoiner(", ");
        for (NodeSpec g : topology.nodes()) {
            boolean implied = g.controller() == g.image().endsWith("-controller");
            groups.add(implied ? "\"" + g + "\""
                    : "{image: \"" + g.image() + "\", count: " + g.count() + ", controller: " + g.controller() + "}");
        }
        y.append(groups).append("]\n");
        if (!topology.networks().isEmpty()) {
            y.append("networks:\n");
            for (Topology.Network n : topology.networks()) {
                StringJoiner fields = new StringJoiner(", ", "  - {", "}\n");
                fields.add("name: " + n.name());
                if (n.cidr() != null) {
                    fields.add("cidr: \"" + n.cidr() + "\"");
                }
                if (n.egress() != null) {
                    fields.add("egress: " + n.egress());
                }
                fields.add("dhcp: " + n.dhcp());
                y.append(fields);
            }
        }
        if (!topology.nics().isEmpty()) {
            y.append("nics:\n");
            for (Map.Entry<String, List<String>> e : topology.nics().entrySet()) {
                y.append("  ").append(e.getKey()).append(": [").append(String.join(", ", e.getValue())).append("]\n");
            }
        }
        return y.toString();
    }
}
