package sh.antrieb.runbook.validation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import sh.antrieb.Antrieb;
import sh.antrieb.VmSize;

/**
 * The validation engine's benchmark (docs/benchmarks.md): a 3-node nginx load balancer (node1 balancing
 * node2 and node3, nginx from Debian's archive) converging in two iterations with a scripted model (the
 * draft forgets to remove nginx's default site, the scripted rewrite does), then proven on a third
 * cluster. Prints the wall time split into provisioning, the code's own commands, the model, teardown
 * and the engine's overhead, and the cluster count. Not a test: run it by hand (the command is in
 * docs/benchmarks.md).
 */
public final class ValidationBenchmark {
    private static final String LB = """
            set -e
            export DEBIAN_FRONTEND=noninteractive
            # step all: Install nginx
            apt-get update -q
            apt-get install -y -q nginx
            # step node2,node3: Serve the node's name
            echo "served by $(hostname)" > /var/www/html/index.html
            # step: Make node1 the balancer
            cat > /etc/nginx/sites-available/balancer <<'EOF'
            upstream backends {
                server node2:80;
                server node3:80;
            }
            server {
                listen 80 default_server;
                location / {
                    proxy_pass http://backends;
                }
            }
            EOF
            %sln -sf /etc/nginx/sites-available/balancer /etc/nginx/sites-enabled/balancer
            nginx -t
            systemctl reload nginx
            """;
    private static final String CHECK = "answers=$(for i in $(seq 1 10); do curl -fsS http://127.0.0.1/; done | sort -u);"
            + " echo \"$answers\"; echo \"$answers\" | grep -q 'served by node2$' && echo \"$answers\" | grep -q 'served by node3$'";

    private ValidationBenchmark() {
    }

    public static void main(String[] args) {
        int vcpus = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int memory = args.length > 1 ? Integer.parseInt(args[1]) : 768;
        String draft = LB.formatted("");
        String fixed = LB.formatted("rm -f /etc/nginx/sites-enabled/default\n");
        ScriptedChatModel model = new ScriptedChatModel().code(fixed);
        try (Antrieb antrieb = Antrieb.builder().defaultVmSize(VmSize.of(vcpus, memory)).bootTimeout(Duration.ofMinutes(5))
                .defaultTtl(Duration.ofMinutes(30)).maxTtl(Duration.ofMinutes(30)).build()) {
            Convergence c = Convergence.task("nginx on node1 balancing node2 and node3")
                    .topology("debian12 x3").start(Code.bash(draft))
                    .verify("node1", CHECK)
                    .model(model).maxIterations(3).recovery(RecoveryPolicy.always(RecoveryPath.RETRY))
                    .execOptions(sh.antrieb.ExecOptions.timeout(Duration.ofMinutes(10)))
                    .run(antrieb);
            List<Findings> all = new ArrayList<>(c.iterations().stream().map(Iteration::findings).toList());
            c.proof().ifPresent(all::add);
            long engineCommands = all.stream().flatMap(f -> f.engineCommands().stream()).mapToLong(r -> r.duration().toMillis()).sum();
            double wall = c.duration().toMillis();
            System.out.printf(Locale.ROOT, "%s after %d iteration(s), %d clusters (%d vCPU / %d MiB, %s)%n", c.stop().id(),
                    c.iterations().size(), c.clusterIds().size(), vcpus, memory, antrieb.accelerator());
            row("wall", c.duration(), wall);
            row("provisioning", c.provisionTime(), wall);
            row("code (steps + checks)", c.codeTime(), wall);
            row("model", c.modelTime(), wall);
            row("teardown", c.teardownTime(), wall);
            row("engine", c.engineTime(), wall);
            row("  its commands, summed", Duration.ofMillis(engineCommands), wall); // per node: they run on the nodes at once
            for (Iteration i : c.iterations()) {
                System.out.printf(Locale.ROOT, "iteration %d on %s: %s, provision %.1f s, passes %.1f s%n", i.number(), i.clusterId(),
                        i.passed() ? "passed" : i.findings().failures().get(0).summary(), i.findings().provisionTime().toMillis() / 1000.0,
                        i.findings().duration().toMillis() / 1000.0);
            }
            c.proof().ifPresent(p -> System.out.printf(Locale.ROOT, "proof on %s: %s, provision %.1f s, pass %.1f s%n", p.clusterId(),
                    p.passed() ? "passed" : p.failures().get(0).summary(), p.provisionTime().toMillis() / 1000.0,
                    p.duration().toMillis() / 1000.0));
        }
    }

    private static void row(String what, Duration d, double wall) {
        System.out.printf(Locale.ROOT, "  %-24s %8.1f s  %5.1f %%%n", what, d.toMillis() / 1000.0, 100.0 * d.toMillis() / wall);
    }
}
