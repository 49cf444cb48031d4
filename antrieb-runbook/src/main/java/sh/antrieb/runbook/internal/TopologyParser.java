package sh.antrieb.runbook.internal;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import sh.antrieb.AntriebException;
import sh.antrieb.ClusterSpec;
import sh.antrieb.ErrorCode;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.NetworkSpec;
import sh.antrieb.NodeSpec;
import sh.antrieb.runbook.RunbookException.Problem;
import sh.antrieb.runbook.Topology;

/**
 * Reads the YAML of {@code ## Topology required} into a {@link Topology}. Works on SnakeYAML's node tree
 * (compose, never construct: no objects are instantiated from the text) so every problem, including
 * semantic ones such as an unknown key or a bad image name, points at its line in the markdown.
 *
 * <pre>{@code
 * nodes: ["debian12 x2"]              # provision's shorthand, or objects {image, count, controller}
 * networks:                           # optional
 *   - {name: wan, egress: true}
 *   - {name: lan, cidr: 10.10.1.0/24, egress: false, dhcp: false}
 * nics:                               # required for every node when networks are declared
 *   node1: [wan, lan]                 # eth0, eth1, ... in this order
 *   node2: [lan]
 * }</pre>
 */
public final class TopologyParser {
    /** What the section is expected to hold, quoted in errors. */
    public static final String EXAMPLE = "nodes: [\"debian12 x2\"] (optionally networks: [{name: lan, cidr: 10.10.1.0/24, egress: false, dhcp: false}] "
            + "and nics: {node1: [lan]})";

    private final int firstLine;
    private final List<Problem> problems;
    /** Where each network is declared (the last declaration of a name), and each node's NICs: for core's problems. */
    private final Map<String, Integer> networkLines = new LinkedHashMap<>();
    private final Map<String, Integer> nicLines = new LinkedHashMap<>();

    private TopologyParser(int firstLine, List<Problem> problems) {
        this.firstLine = firstLine;
        this.problems = problems;
    }

    /**
     * Parses {@code yaml}, whose first line is line {@code firstLine} (1-based) of the markdown, after
     * replacing the placeholders that have a value in {@code values}.
     *
     * @return the topology, or null when a problem was added to {@code problems}
     */
    public static Topology parse(String yaml, int firstLine, Map<String, String> values, List<Problem> problems) {
        int before = problems.size();
        Topology t = new TopologyParser(firstLine, problems).parse(Placeholders.substitute(yaml, values));
        return problems.size() == before ? t : null;
    }

    private Topology parse(String yaml) {
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark != null ? firstLine + mark.getLine() : firstLine;
            problem(line, "malformed YAML in the topology: " + firstLineOf(e.getProblem() != null ? e.getProblem() : e.getMessage())
                    + "; expected e.g. " + EXAMPLE);
            return null;
        } catch (YAMLException e) {
            problem(firstLine, "malformed YAML in the topology: " + firstLineOf(e.getMessage()) + "; expected e.g. " + EXAMPLE);
            return null;
        }
        if (root == null) {
            problem(firstLine, "the topology block is empty; expected e.g. " + EXAMPLE);
            return null;
        }
        if (!(root instanceof MappingNode map)) {
            problem(line(root), "the topology must be a YAML mapping with the key 'nodes'; expected e.g. " + EXAMPLE);
            return null;
        }
        Node nodesValue = null;
        Node networksValue = null;
        Node nicsValue = null;
        int nicsLine = 0;
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : map.getValue()) {
            String key = scalar(t.getKeyNode());
            if (key == null) {
                problem(line(t.getKeyNode()), "topology keys are plain words: nodes, networks, nics");
                continue;
            }
            if (!seen.add(key)) {
                problem(line(t.getKeyNode()), "'" + key + "' appears twice in the topology");
                continue;
            }
            switch (key) {
                case "nodes" -> nodesValue = t.getValueNode();
                case "networks" -> networksValue = t.getValueNode();
                case "nics" -> {
                    nicsValue = t.getValueNode();
                    nicsLine = line(t.getKeyNode());
                }
                default -> problem(line(t.getKeyNode()), "unknown key '" + key + "' in the topology: expected nodes, networks, nics");
            }
        }
        if (nodesValue == null) {
            problem(line(root), "the topology has no 'nodes'; expected e.g. " + EXAMPLE);
            return null;
        }
        List<NodeSpec> groups = nodeGroups(nodesValue);
        List<Topology.Network> networks = networksValue == null ? List.of() : networks(networksValue);
        if (groups == null || groups.isEmpty() || networks == null) {
            return null;
        }
        Map<String, List<String>> nics = nicsValue == null ? Map.of() : nics(nicsValue);
        if (nics == null) {
            return null;
        }
        // The topology's rules are core's (ClusterSpec): checked there, reported here at their line.
        int keyLine = nicsValue != null ? nicsLine : networksValue != null ? line(networksValue) : line(nodesValue);
        return coreAccepts(groups, networks, nics, keyLine) ? new Topology(groups, networks, nics) : null;
    }

    /**
     * Whether core accepts the topology (networks by name only: a cidr may still hold a placeholder, and its form
     * was checked above); otherwise adds core's problem at the line of what it concerns, chosen on its code and
     * subject, in the runbook's words where core's are Java API.
     */
    private boolean coreAccepts(List<NodeSpec> groups, List<Topology.Network> networks, Map<String, List<String>> nics, int keyLine) {
        ClusterSpec.Builder b = ClusterSpec.builder();
        groups.forEach(b::node);
        networks.forEach(n -> b.network(NetworkSpec.named(n.name())));
        nics.forEach(b::nics);
        try {
            b.build();
            return true;
        } catch (InvalidSpecException e) {
            AntriebException.Subject about = e.subject();
            int line = about.node() != null && nicLines.containsKey(about.node()) ? nicLines.get(about.node())
                    : about.node() == null && about.network() != null && networkLines.containsKey(about.network()) ? networkLines.get(about.network())
                    : keyLine;
            String message = e.getMessage();
            if (e.code() == ErrorCode.INCOMPLETE_SPEC && "networks".equals(about.field())) {
                message = "nics refer to declared networks, and the topology declares none: add networks: [{name: ...}]";
            } else if (e.code() == ErrorCode.INCOMPLETE_SPEC && about.node() != null) {
                message = "declared networks need every node's NICs: " + about.node() + " is missing from nics; e.g. nics: {"
                        + about.node() + ": [" + networks.get(0).name() + "]}";
            } else if (about.node() != null && about.network() != null) {
                message = "unknown network '" + about.network() + "' in nics of " + about.node() + ": declared networks are " + names(networks);
            }
            problem(line, message);
            return false;
        }
    }

    private List<NodeSpec> nodeGroups(Node value) {
        List<Node> items;
        if (value instanceof ScalarNode) {
            items = List.of(value);
        } else if (value instanceof SequenceNode seq) {
            items = seq.getValue();
        } else {
            problem(line(value), "'nodes' is a list of node groups, e.g. [\"debian12 x2\"] or [{image: debian12, count: 2}]");
            return null;
        }
        if (items.isEmpty()) {
            problem(line(value), "'nodes' is empty: a cluster needs at least one node, e.g. [\"debian12\"]");
            return null;
        }
        List<NodeSpec> groups = new ArrayList<>();
        boolean ok = true;
        for (Node item : items) {
            try {
                if (item instanceof ScalarNode s) {
                    groups.add(NodeSpec.parse(s.getValue()));
                } else if (item instanceof MappingNode m) {
                    NodeSpec g = nodeObject(m);
                    if (g == null) {
                        ok = false;
                    } else {
                        groups.add(g);
                    }
                } else {
                    problem(line(item), "a node group is \"<image>\", \"<image> x<count>\" or {image, count}");
                    ok = false;
                }
            } catch (InvalidSpecException e) {
                problem(line(item), e.getMessage());
                ok = false;
            }
        }
        return ok ? groups : null;
    }

    private NodeSpec nodeObject(MappingNode m) {
        String image = null;
        Integer count = 1;
        Boolean controller = null;
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            Node v = t.getValueNode();
            if ("image".equals(key)) {
                image = scalar(v);
            } else if ("count".equals(key)) {
                count = integer(v, "count");
                if (count == null) {
                    return null;
                }
            } else if ("controller".equals(key)) {
                controller = bool(v, "controller");
                if (controller == null) {
                    return null;
                }
            } else {
                problem(line(t.getKeyNode()), "unknown key '" + key + "' in a node group: expected image, count, controller");
                return null;
            }
        }
        if (image == null) {
            problem(line(m), "a node group object needs an image, e.g. {image: debian12, count: 2}");
            return null;
        }
        NodeSpec base = NodeSpec.of(image, count);
        return controller == null ? base : new NodeSpec(image, count, controller);
    }

    private List<Topology.Network> networks(Node value) {
        if (!(value instanceof SequenceNode seq)) {
            problem(line(value), "'networks' is a list, e.g. [{name: wan, egress: true}, {name: lan, egress: false, dhcp: false}]");
            return null;
        }
        List<Topology.Network> networks = new ArrayList<>();
        boolean ok = true;
        for (Node item : seq.getValue()) {
            Topology.Network n = network(item);
            if (n == null) {
                ok = false;
            } else {
                networks.add(n);
                networkLines.put(n.name(), line(item));
            }
        }
        return ok ? networks : null;
    }

    private Topology.Network network(Node item) {
        if (item instanceof ScalarNode s) {
            if (s.getValue().startsWith("@")) {
                problem(line(item), "saved network references such as '" + s.getValue() + "' are not supported in runbooks; "
                        + "declare the network inline, e.g. {name: lan, cidr: 10.10.1.0/24, egress: false, dhcp: false}");
                return null;
            }
            return checkedName(s.getValue(), line(item)) ? new Topology.Network(s.getValue(), null, null, true) : null;
        }
        if (!(item instanceof MappingNode m)) {
            problem(line(item), "a network is {name, cidr?, egress?, dhcp?}");
            return null;
        }
        String name = null;
        String cidr = null;
        Boolean egress = null;
        boolean dhcp = true;
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            Node v = t.getValueNode();
            switch (key == null ? "" : key) {
                case "name" -> name = scalar(v);
                case "cidr" -> {
                    cidr = scalar(v) == null ? null : checkedCidr(scalar(v), line(v));
                    if (cidr == null) {
                        if (scalar(v) == null) {
                            problem(line(v), "'cidr' is a /24 such as 10.10.1.0/24");
                        }
                        return null;
                    }
                }
                case "egress" -> {
                    egress = bool(v, "egress");
                    if (egress == null) {
                        return null;
                    }
                }
                case "dhcp" -> {
                    Boolean b = bool(v, "dhcp");
                    if (b == null) {
                        return null;
                    }
                    dhcp = b;
                }
                default -> {
                    problem(line(t.getKeyNode()), "unknown key '" + key + "' in a network: expected name, cidr, egress, dhcp");
                    return null;
                }
            }
        }
        if (name == null) {
            problem(line(item), "a network needs a name, e.g. {name: lan, egress: false}");
            return null;
        }
        return checkedName(name, line(item)) ? new Topology.Network(name, cidr, egress, dhcp) : null;
    }

    private Map<String, List<String>> nics(Node value) {
        if (!(value instanceof MappingNode m)) {
            problem(line(value), "'nics' maps each node to its networks in NIC order, e.g. {node1: [wan, lan], node2: [lan]}");
            return null;
        }
        Map<String, List<String>> nics = new LinkedHashMap<>();
        boolean ok = true;
        for (NodeTuple t : m.getValue()) {
            String node = scalar(t.getKeyNode());
            int line = line(t.getKeyNode());
            if (node == null) {
                problem(line, "a key of nics is a node name, e.g. node1: [wan, lan]");
                ok = false;
                continue;
            }
            if (nics.containsKey(node)) {
                problem(line, "'" + node + "' appears twice in nics");
                ok = false;
                continue;
            }
            List<Node> items = t.getValueNode() instanceof SequenceNode seq ? seq.getValue() : List.of(t.getValueNode());
            List<String> nets = new ArrayList<>();
            for (Node item : items) {
                String net = item instanceof MappingNode nm ? netOf(nm) : scalar(item);
                if (net == null) {
                    problem(line(item), "a NIC is a network name or {net: <name>}, e.g. node1: [wan, lan]");
                    ok = false;
                } else {
                    nets.add(net);
                }
            }
            nics.put(node, nets);
            nicLines.put(node, line);
        }
        return ok ? nics : null;
    }

    private String netOf(MappingNode m) {
        for (NodeTuple t : m.getValue()) {
            if ("net".equals(scalar(t.getKeyNode()))) {
                return scalar(t.getValueNode());
            }
        }
        return null;
    }

    /** Network names follow core's rule ({@link NetworkSpec#checkName}), so a runbook never declares one core refuses. */
    private boolean checkedName(String name, int line) {
        try {
            NetworkSpec.checkName(name);
            return true;
        } catch (InvalidSpecException e) {
            problem(line, e.getMessage());
            return false;
        }
    }

    /** CIDRs follow core's rule ({@link NetworkSpec#checkCidr}); returns the normalized CIDR, or null after a problem. */
    private String checkedCidr(String cidr, int line) {
        if (Placeholders.PLACEHOLDER.matcher(cidr).find()) {
            return cidr; // a variable without a value yet; checked again once it has one
        }
        try {
            return NetworkSpec.checkCidr(cidr);
        } catch (InvalidSpecException e) {
            problem(line, e.getMessage());
            return null;
        }
    }

    private Integer integer(Node v, String key) {
        String s = scalar(v);
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            problem(line(v), "'" + key + "' is a whole number, was '" + s + "'");
            return null;
        }
    }

    private Boolean bool(Node v, String key) {
        String s = scalar(v);
        switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> {
                return Boolean.TRUE;
            }
            case "false", "no", "off" -> {
                return Boolean.FALSE;
            }
            default -> {
                problem(line(v), "'" + key + "' is true or false, was '" + s + "'");
                return null;
            }
        }
    }

    private static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    private int line(Node n) {
        return n == null || n.getStartMark() == null ? firstLine : firstLine + n.getStartMark().getLine();
    }

    private void problem(int line, String message) {
        problems.add(new Problem(line, message));
    }

    private static String names(List<Topology.Network> networks) {
        return String.join(", ", networks.stream().map(Topology.Network::name).toList());
    }

    static String nodeRange(int count) {
        return count == 1 ? "node1 only" : count == 2 ? "node1 and node2" : "node1.." + "node" + count;
    }

    private static String firstLineOf(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").trim();
    }
}
