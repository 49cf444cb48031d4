package sh.antrieb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One action on a cluster's {@link Faults} as a value: what the MCP {@code fault} tool and a runbook's
 * {@code ```fault} block are turned into before they are {@linkplain #applyTo applied}. Its text form, one action
 * per line, is the runbook's:
 *
 * <pre>
 * partition node1 node2                 both ways
 * partition node1,node2 / node3         every node of one side from every node of the other
 * isolate node3
 * link node2 latency=200ms jitter=50ms loss=0.05
 * power_off node1
 * power_on node1
 * freeze node2
 * thaw node2
 * heal
 * </pre>
 *
 * <p>{@link #parse(String)} reads that form and {@link #toString()} writes it, so the two round-trip. The actions
 * that take nodes take one or more ({@code isolate node1 node2}); {@code link} applies the same link to each.
 * Node names are not checked here (a {@code Fault} knows no cluster): {@link Faults} refuses unknown ones.
 *
 * @param action what to do
 * @param nodes  the nodes it acts on; for a partition between sides, one side
 * @param others for a partition between sides, the other side; empty otherwise
 * @param link   for {@link Action#LINK}, the link; null otherwise
 */
public record Fault(Action action, List<String> nodes, List<String> others, Link link) {

    /** The actions, named as the MCP tool and runbooks name them ({@link #id()}). */
    public enum Action {
        /** {@link Faults#partition(String, String)} or, with two sides, {@link Faults#partition(List, List)}. */
        PARTITION,
        /** {@link Faults#isolate(String)} of each node. */
        ISOLATE,
        /** {@link Faults#link(String, Link)} of each node. */
        LINK,
        /** {@link Faults#powerOff(String)} of each node. */
        POWER_OFF,
        /** {@link Faults#powerOn(String)} of each node. */
        POWER_ON,
        /** {@link Faults#freeze(String)} of each node. */
        FREEZE,
        /** {@link Faults#thaw(String)} of each node. */
        THAW,
        /** {@link Faults#heal()}: takes no nodes. */
        HEAL;

        /** The action's name in the MCP tool and in runbooks, e.g. {@code power_off}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The action named {@code id} ({@code power_off}), or null when there is none. */
        public static Action byId(String id) {
            for (Action a : values()) {
                if (a.id().equals(id)) {
                    return a;
                }
            }
            return null;
        }

        /** Every action's id, in order, e.g. for an error message. */
        public static String ids() {
            return Arrays.stream(values()).map(Action::id).collect(Collectors.joining(", "));
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s)");
    private static final Pattern SHARE = Pattern.compile("(\\d+(?:\\.\\d+)?)(%?)");

    /**
     * Checks the shape: a partition has two nodes or two non-empty sides, heal has no nodes, the others act on at
     * least one node, only link has a link and link has one.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public Fault {
        Objects.requireNonNull(action, "action");
        nodes = List.copyOf(nodes);
        others = List.copyOf(others);
        String a = action.id();
        if (action == Action.HEAL) {
            if (!nodes.isEmpty() || !others.isEmpty()) {
                throw new IllegalArgumentException("heal takes no nodes: it acts on the whole cluster");
            }
        } else if (nodes.isEmpty()) {
            throw new IllegalArgumentException(a + " needs at least one node, e.g. '" + a + " node1'");
        }
        if (action == Action.PARTITION && others.isEmpty() && nodes.size() != 2) {
            throw new IllegalArgumentException("partition needs two nodes ('partition node1 node2') or two sides "
                    + "('partition node1,node2 / node3'), not " + nodes.size());
        }
        if (action != Action.PARTITION && !others.isEmpty()) {
            throw new IllegalArgumentException("only partition has two sides");
        }
        if (action == Action.LINK && link == null) {
            throw new IllegalArgumentException("link needs latency, loss or both, e.g. 'link node2 latency=200ms jitter=50ms loss=0.05'");
        }
        if (action != Action.LINK && link != null) {
            throw new IllegalArgumentException("latency, jitter and loss are for link only");
        }
    }

    /** A fault of {@code action} on {@code nodes} (no other side, no link). */
    public static Fault of(Action action, String... nodes) {
        return new Fault(action, List.of(nodes), List.of(), null);
    }

    /** A bad link into each of {@code nodes}. */
    public static Fault link(Link link, String... nodes) {
        return new Fault(Action.LINK, List.of(nodes), List.of(), Objects.requireNonNull(link, "link"));
    }

    /** A partition between two sides. */
    public static Fault partition(List<String> side, List<String> otherSide) {
        return new Fault(Action.PARTITION, side, otherSide, null);
    }

    /**
     * Reads one action in the text form shown on this type: the action, then its nodes separated by spaces or
     * commas; a partition between sides puts {@code /} between them; a link's settings are {@code latency=},
     * {@code jitter=} (each with {@code ms} or {@code s}) and {@code loss=} (a share from 0 to 1, or a percentage
     * such as {@code 5%}).
     *
     * @throws IllegalArgumentException saying what is wrong and what is expected instead
     */
    public static Fault parse(String line) {
        String text = line.strip();
        String[] words = text.isEmpty() ? new String[0] : text.split("\\s+", 2);
        if (words.length == 0) {
            throw new IllegalArgumentException("an empty fault: write one of " + Action.ids());
        }
        Action action = Action.byId(words[0].toLowerCase(Locale.ROOT));
        if (action == null) {
            throw new IllegalArgumentException("unknown fault '" + words[0] + "': write one of " + Action.ids());
        }
        String rest = words.length > 1 ? words[1].strip() : "";
        List<String> nodes = new ArrayList<>();
        List<String> others = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        boolean otherSide = false;
        for (String token : rest.replace("/", " / ").split("[\\s,]+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (token.equals("/")) {
                if (action != Action.PARTITION || otherSide || nodes.isEmpty()) {
                    throw new IllegalArgumentException(action == Action.PARTITION
                            ? "a partition has exactly two sides, each with nodes: 'partition node1,node2 / node3'"
                            : "'/' separates the sides of a partition only, and this is " + action.id());
                }
                otherSide = true;
            } else if (token.contains("=")) {
                settings.add(token);
            } else if (!settings.isEmpty()) {
                throw new IllegalArgumentException("node '" + token + "' after the settings: name the nodes first, e.g. "
                        + "'link node2 latency=200ms'");
            } else {
                (otherSide ? others : nodes).add(token);
            }
        }
        if (otherSide && others.isEmpty()) {
            throw new IllegalArgumentException("a partition's other side is empty: name its nodes after '/', e.g. 'partition node1 / node2,node3'");
        }
        if (!settings.isEmpty() && action != Action.LINK) {
            throw new IllegalArgumentException("'" + settings.get(0) + "': settings are for link only (latency=, jitter=, loss=)");
        }
        Link link = action == Action.LINK ? link(settings) : null;
        Set<String> seen = new LinkedHashSet<>();
        for (String n : nodes) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException("node " + n + " is named twice");
            }
        }
        for (String n : others) {
            if (!seen.add(n)) {
                throw new IllegalArgumentException("node " + n + " is on both sides of the partition");
            }
        }
        return new Fault(action, nodes, others, link);
    }

    private static Link link(List<String> settings) {
        if (settings.isEmpty()) {
            throw new IllegalArgumentException("link needs latency, loss or both, e.g. 'link node2 latency=200ms jitter=50ms loss=0.05'");
        }
        Duration latency = Duration.ZERO;
        Duration jitter = Duration.ZERO;
        double loss = 0;
        Set<String> keys = new LinkedHashSet<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            String key = s.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = s.substring(eq + 1);
            if (!keys.add(key)) {
                throw new IllegalArgumentException("link setting " + key + " is given twice");
            }
            switch (key) {
                case "latency" -> latency = duration(key, value);
                case "jitter" -> jitter = duration(key, value);
                case "loss" -> loss = share(value);
                default -> throw new IllegalArgumentException("unknown link setting '" + key + "': give latency=, jitter= and/or loss=");
            }
        }
        // The Link constructor checks the ranges (jitter at most the latency, loss 0 to 1) in its own words.
        return Link.latency(latency).jitter(jitter).loss(loss);
    }

    private static Duration duration(String key, String value) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(key + "=" + value + " is not a duration: write it in ms or s, e.g. " + key + "=200ms");
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("s") ? Duration.ofSeconds(n) : Duration.ofMillis(n);
    }

    private static double share(String value) {
        Matcher m = SHARE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("loss=" + value + " is not a share: write 0.05 or 5%");
        }
        double v = Double.parseDouble(m.group(1));
        return m.group(2).isEmpty() ? v : v / 100;
    }

    /**
     * Makes this fault on {@code faults}: the call of {@link Faults} the action names, once per node for the actions
     * that act on single nodes.
     *
     * <p>Throws what {@link Faults} throws: {@link NoSuchNodeException} for an unknown node,
     * {@link IllegalStateException} (freezing a powered-off node), {@link UnsupportedOperationException} (a network
     * fault where the libvirt host is not this machine).
     */
    public void applyTo(Faults faults) {
        switch (action) {
            case PARTITION -> {
                if (others.isEmpty()) {
                    faults.partition(nodes.get(0), nodes.get(1));
                } else {
                    faults.partition(nodes, others);
                }
            }
            case ISOLATE -> nodes.forEach(faults::isolate);
            case LINK -> nodes.forEach(n -> faults.link(n, link));
            case POWER_OFF -> nodes.forEach(faults::powerOff);
            case POWER_ON -> nodes.forEach(faults::powerOn);
            case FREEZE -> nodes.forEach(faults::freeze);
            case THAW -> nodes.forEach(faults::thaw);
            case HEAL -> faults.heal();
        }
    }

    /** Every node this fault names, both sides of a partition, in order. */
    public List<String> nodesNamed() {
        List<String> all = new ArrayList<>(nodes);
        all.addAll(others);
        return List.copyOf(all);
    }

    /** What {@link #applyTo} did, in the past tense, e.g. {@code powered off node1} or {@code partitioned node1 from node2}. */
    public String done() {
        String names = String.join(", ", nodes);
        return switch (action) {
            case PARTITION -> others.isEmpty() ? "partitioned " + nodes.get(0) + " from " + nodes.get(1)
                    : "partitioned " + nodes + " from " + others;
            case ISOLATE -> "isolated " + names;
            case LINK -> "link into " + names + ": " + link.describe();
            case POWER_OFF -> "powered off " + names;
            case POWER_ON -> "powered on (answering exec) " + names;
            case FREEZE -> "froze " + names;
            case THAW -> "thawed " + names;
            case HEAL -> "healed: every fault removed, every node running";
        };
    }

    /** The text form {@link #parse} reads, e.g. {@code link node2 latency=200ms jitter=50ms loss=0.05}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(action.id());
        if (!nodes.isEmpty()) {
            b.append(' ').append(String.join(others.isEmpty() ? " " : ",", nodes));
        }
        if (!others.isEmpty()) {
            b.append(" / ").append(String.join(",", others));
        }
        if (link != null) {
            if (link.delays()) {
                b.append(" latency=").append(link.latency().toMillis()).append("ms");
                if (!link.jitter().isZero()) {
                    b.append(" jitter=").append(link.jitter().toMillis()).append("ms");
                }
            }
            if (link.loss() > 0 || !link.delays()) {
                b.append(" loss=").append(new java.math.BigDecimal(Double.toString(link.loss())).stripTrailingZeros().toPlainString());
            }
        }
        return b.toString();
    }
}
