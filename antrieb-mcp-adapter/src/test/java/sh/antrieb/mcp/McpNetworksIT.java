package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static sh.antrieb.mcp.McpTestClients.call;
import static sh.antrieb.mcp.McpTestClients.error;
import static sh.antrieb.mcp.McpTestClients.ok;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.modelcontextprotocol.client.McpSyncClient;
import sh.antrieb.Antrieb;
import sh.antrieb.Cluster;
import sh.antrieb.ImageImport;
import sh.antrieb.internal.ImageStore;

/**
 * Declared networks over MCP on real VMs, with the SDK's own HTTP client and the core catalog: one
 * two-node cluster (node1 on wan and lan, node2 on lan only; lan without DHCP and egress), the NICs as the
 * guests see them, a saved network spec saved, searched, resolved by provision and deleted, and the
 * namespace rules (another account's network or image is refused). Requests that must fail fail before any
 * VM boots; two VMs in all.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class McpNetworksIT {
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(10);
    private static final String LAN = "10.10.7.0/24";
    @TempDir
    static Path state;
    @TempDir
    static Path catalogDir;
    static Antrieb antrieb;
    static AntriebMcpServer server;
    static McpSyncClient alice;
    static McpSyncClient bob;
    static String cluster;
    static String wanAddress;

    @BeforeAll
    static void start() {
        antrieb = ItSupport.antrieb().catalogDir(catalogDir).build();
        server = AntriebMcpServer.builder(antrieb).stateDir(state).build();
        String aliceKey = server.keys().create("alice", null, null).key();
        String bobKey = server.keys().create("bob", null, null).key();
        URI url = server.startHttp("127.0.0.1", 0);
        alice = McpTestClients.http(url, aliceKey, CALL_TIMEOUT);
        bob = McpTestClients.http(url, bobKey, CALL_TIMEOUT);
    }

    @AfterAll
    static void stop() {
        ItSupport.closeAll(alice, bob, server, antrieb);
    }

    private static Map<String, Object> exec(String node, String command) {
        Map<String, Object> r = ok(call(alice, "exec", Map.of("session_id", cluster, "node", node, "command", command)));
        assertThat(r).as("%s on %s", command, node).containsEntry("exit_code", 0);
        return r;
    }

    /** First words of the lines of {@code ip -br ...} output: interface names. */
    private static List<String> interfaces(Map<String, Object> execResult) {
        return ((String) execResult.get("stdout")).lines().map(l -> l.split("\\s+")[0].replaceAll("@.*", "")).toList();
    }

    @Test
    @Order(1)
    @SuppressWarnings("unchecked")
    void aNetworkSpecIsSavedAndFoundInTheAccountsNamespaceOnly() {
        Map<String, Object> saved = ok(call(alice, "save", Map.of("type", "network", "name", "isolated-lan", "cidr", LAN,
                "egress", false, "dhcp", false, "description", "lab LAN without DHCP or egress")));
        assertThat(saved).containsEntry("saved", true).containsEntry("fq_name", "alice/isolated-lan");

        Map<String, Object> found = ok(call(alice, "search", Map.of("type", "network", "keywords", "isolated")));
        assertThat((List<Map<String, Object>>) found.get("networks")).singleElement().satisfies(n -> assertThat(n)
                .containsEntry("fq_name", "alice/isolated-lan").containsEntry("cidr", LAN).containsEntry("egress", "false")
                .containsEntry("dhcp", "false").containsEntry("description", "lab LAN without DHCP or egress"));
        assertThat((Map<String, Object>) ok(call(alice, "search", Map.of("type", "network", "fq_name", "alice/isolated-lan"))).get("network"))
                .containsEntry("body", "isolated-lan cidr=" + LAN + " egress=false dhcp=false");

        assertThat(ok(call(bob, "search", Map.of("type", "network")))).containsEntry("count", 0);
        assertThat(error(call(bob, "search", Map.of("type", "network", "fq_name", "alice/isolated-lan")))).containsEntry("error", "not_found");
    }

    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void twoNodesOnWanAndAnUnaddressedLanSeeTheirNicsInOrder() {
        Map<String, Object> p = ok(call(alice, "provision", Map.of("cluster", List.of("debian12 x2"),
                "networks", List.of(Map.of("name", "wan"), Map.of("name", "lan", "cidr", LAN, "egress", false, "dhcp", false)),
                "nics", Map.of("node1", List.of(Map.of("net", "wan"), Map.of("net", "lan")), "node2", List.of(Map.of("net", "lan"))))));
        cluster = (String) p.get("session_id");
        System.out.println("provision of 2 nodes with wan+lan: provision_time_ms=" + p.get("provision_time_ms"));
        assertThat(p).containsEntry("status", "cluster_ready").containsEntry("nodes", List.of("node1", "node2"));
        Map<String, Map<String, String>> addresses = (Map<String, Map<String, String>>) p.get("node_addresses");
        wanAddress = addresses.get("node1").get("wan");
        assertThat(wanAddress).endsWith(".10");
        assertThat(addresses.get("node1")).containsOnlyKeys("wan");
        assertThat(addresses.get("node2")).isEmpty();
        assertThat((List<String>) p.get("warnings")).anySatisfy(w -> assertThat(w).contains("'lan' (" + LAN + ") has dhcp:false"))
                .anySatisfy(w -> assertThat(w).contains("has egress:false")).anySatisfy(w -> assertThat(w).startsWith("node2 has no"));

        Map<String, Object> link1 = exec("node1", "ip -br link");
        Map<String, Object> addr1 = exec("node1", "ip -4 -br addr");
        Map<String, Object> link2 = exec("node2", "ip -br link");
        Map<String, Object> addr2 = exec("node2", "ip -4 -br addr show dev eth0; hostname");
        System.out.println("node1 ip -br link:\n" + link1.get("stdout") + "node1 ip -4 -br addr:\n" + addr1.get("stdout")
                + "node2 ip -br link:\n" + link2.get("stdout") + "node2 ip -4 -br addr show dev eth0; hostname:\n" + addr2.get("stdout"));

        assertThat(interfaces(link1)).contains("eth0", "eth1");
        assertThat(interfaces(link2)).contains("eth0").doesNotContain("eth1");
        List<String> ipv4 = ((String) addr1.get("stdout")).lines().toList();
        assertThat(ipv4).anySatisfy(l -> assertThat(l).startsWith("eth0").contains(wanAddress + "/24"));
        assertThat(ipv4).noneSatisfy(l -> assertThat(l).startsWith("eth1"));
        // node2's only NIC under test has no IPv4 address, and exec on it works all the same.
        assertThat(addr2).containsEntry("stdout", "node2\n");
    }

    @Test
    @Order(3)
    void aSavedNetworkReferenceIsResolvedAndABadTopologyLeavesNothingBehind() throws Exception {
        // A saved spec whose CIDR is the live wan's: resolving @alice/clash gives a spec that core refuses
        // for that very CIDR, before anything is created.
        String wanCidr = wanAddress.substring(0, wanAddress.lastIndexOf('.')) + ".0/24";
        ok(call(alice, "save", Map.of("type", "network", "name", "clash", "cidr", wanCidr)));
        Set<String> before = labelledObjectsOfThisProcess();
        Map<String, Object> e = error(call(alice, "provision", Map.of("cluster", List.of("debian12"), "networks", List.of("@alice/clash"),
                "nics", Map.of("node1", List.of(Map.of("net", "clash"))))));
        System.out.println("provision with @alice/clash: " + e);
        assertThat(e).containsEntry("error", "invalid_arguments");
        assertThat((String) e.get("message")).contains("network 'clash'").contains(wanCidr).contains("overlaps");
        assertThat(labelledObjectsOfThisProcess()).isEqualTo(before);
        assertThat(antrieb.clusters()).extracting(Cluster::id).containsExactly(cluster);

        // bob may not use alice's network, and has none of his own by that name.
        assertThat(error(call(bob, "provision", Map.of("cluster", List.of("debian12"), "networks", List.of("@alice/isolated-lan"),
                "nics", Map.of("node1", List.of(Map.of("net", "isolated-lan"))))))).containsEntry("error", "forbidden_namespace")
                .extracting("message").asString().contains("namespace alice").contains("@bob/<name>");
        assertThat(error(call(bob, "provision", Map.of("cluster", List.of("debian12"), "networks", List.of("@bob/isolated-lan"),
                "nics", Map.of("node1", List.of(Map.of("net", "isolated-lan"))))))).containsEntry("error", "not_found");
        assertThat(labelledObjectsOfThisProcess()).isEqualTo(before);
    }

    @Test
    @Order(4)
    @SuppressWarnings("unchecked")
    void importedImagesBootByShortNameInTheirOwnersNamespaceOnly() throws Exception {
        // alice imports this host's debian12 disk, kernel and initramfs under a name of her own (as a host with
        // another distribution's cloud image would), and provisions it by that short name.
        Path base = Path.of(System.getenv().getOrDefault("ANTRIEB_IMAGE_CACHE", "/var/cache/antrieb/images"))
                .resolve("debian12-" + ImageStore.recipeHash("debian12"));
        antrieb.catalog("alice").importImage("mydebian", ImageImport.disk(base.resolve("disk.qcow2"))
                .kernel(base.resolve("vmlinuz"), base.resolve("initrd.img"), Files.readString(base.resolve("cmdline")).strip())
                .description("debian12 brought in as an import"));

        Map<String, Object> p = ok(call(alice, "provision", Map.of("cluster", List.of("mydebian"))));
        String imported = (String) p.get("session_id");
        assertThat(p.get("node_images").toString()).contains("mydebian");
        Map<String, Object> r = ok(call(alice, "exec", Map.of("session_id", imported, "node", "node1",
                "command", "hostname; cat /etc/debian_version")));
        assertThat(r).containsEntry("exit_code", 0);
        assertThat((String) r.get("stdout")).startsWith("node1\n12.");
        assertThat(ok(call(alice, "delete", Map.of("type", "cluster", "name", imported)))).containsEntry("deleted", true);

        Map<String, Object> unknown = error(call(alice, "provision", Map.of("cluster", List.of("no-such-image"))));
        assertThat(unknown).containsEntry("error", "unknown_image");
        assertThat((List<String>) unknown.get("available_images")).contains("debian12", "mydebian");

        assertThat(error(call(bob, "provision", Map.of("cluster", List.of("alice/mydebian"))))).containsEntry("error", "forbidden_namespace");
        assertThat(error(call(bob, "provision", Map.of("cluster", List.of("antrieb:alice/mydebian:v1"))))).containsEntry("error", "forbidden_namespace");
        Map<String, Object> bobs = error(call(bob, "provision", Map.of("cluster", List.of("mydebian"))));
        assertThat(bobs).containsEntry("error", "unknown_image");
        assertThat((List<String>) bobs.get("available_images")).contains("debian12").doesNotContain("mydebian");
    }

    @Test
    @Order(5)
    void deleteRemovesTheClusterAndTheSpecsOnlyTheirOwnerCanDeleteThem() throws Exception {
        assertThat(ok(call(alice, "delete", Map.of("type", "cluster", "name", cluster)))).containsEntry("deleted", true);
        assertThat(antrieb.clusters()).isEmpty();
        assertThat(labelledObjectsOfThisProcess()).isEmpty();

        assertThat(error(call(bob, "delete", Map.of("type", "network", "name", "alice/isolated-lan")))).extracting("message").asString()
                .contains("own namespace bob");
        assertThat(ok(call(alice, "delete", Map.of("type", "network", "name", "isolated-lan")))).containsEntry("deleted", true);
        assertThat(ok(call(alice, "delete", Map.of("type", "network", "name", "alice/clash")))).containsEntry("deleted", true);
        assertThat(ok(call(alice, "search", Map.of("type", "network")))).containsEntry("count", 0);
        assertThat(error(call(alice, "delete", Map.of("type", "network", "name", "isolated-lan")))).containsEntry("error", "not_found");
    }

    /** libvirt domains and networks labelled with this JVM's pid (others' clusters run on the same host). */
    private static Set<String> labelledObjectsOfThisProcess() throws IOException, InterruptedException {
        String mark = "-" + ProcessHandle.current().pid() + "-";
        List<String> names = new ArrayList<>();
        for (List<String> cmd : List.of(List.of("list", "--all", "--name"), List.of("net-list", "--all", "--name"))) {
            List<String> argv = new ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
            argv.addAll(cmd);
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
            out.lines().filter(l -> l.startsWith("antrieb-") && l.contains(mark)).forEach(names::add);
        }
        return names.stream().collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
