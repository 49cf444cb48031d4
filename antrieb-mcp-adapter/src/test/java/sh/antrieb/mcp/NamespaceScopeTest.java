package sh.antrieb.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import sh.antrieb.ClusterSpec;
import sh.antrieb.NetworkSpec;
import sh.antrieb.NodeSpec;
import sh.antrieb.mcp.internal.NamespaceScope;

/**
 * A provision request names only its account's own artifacts and the built-in ones: saved images and
 * network references are resolved in the account's namespace, other namespaces are refused.
 */
class NamespaceScopeTest {
    private static final Account ALICE = new Account("alice", "alice", AccountLimits.DEFAULTS);
    private static final Account BOB = new Account("bob", "bob", AccountLimits.DEFAULTS);

    /** Catalog contents by namespace, visible as core's catalog shows them: own namespace and antrieb/ only. */
    private static final class Saved implements Catalog {
        final List<Artifact> artifacts = new ArrayList<>();

        Saved image(String ns, String name, int version) {
            artifacts.add(new Artifact(Type.IMAGE, ns + "/" + name, "", ns.equals("antrieb"), null,
                    Map.of("ani", "antrieb:" + name + ":v" + version, "version", version)));
            return this;
        }

        Saved network(String ns, String name, String spec) {
            artifacts.add(new Artifact(Type.NETWORK, ns + "/" + name, "", false, spec, Map.of()));
            return this;
        }

        private boolean visible(Account viewer, Artifact a) {
            return a.namespace().equals(viewer.namespace()) || a.namespace().equals("antrieb");
        }

        @Override
        public Artifact save(Account owner, SaveRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Artifact> search(Account viewer, Type type, String keywords, int limit) {
            return artifacts.stream().filter(a -> a.type() == type && visible(viewer, a)).toList();
        }

        @Override
        public Optional<Artifact> fetch(Account viewer, Type type, String fqName) {
            String fq = fqName.startsWith("antrieb:") ? fqName.substring(8).replaceAll(":v[0-9]+$", "") : fqName;
            return artifacts.stream().filter(a -> a.type() == type && visible(viewer, a))
                    .filter(a -> a.fqName().equals(fq) || a.name().equals(fq)).findFirst();
        }

        @Override
        public void delete(Account owner, Type type, String name) {
            throw new UnsupportedOperationException();
        }
    }

    private final Saved catalog = new Saved()
            .image("antrieb", "debian12", 1)
            .image("alice", "my-nginx", 3)
            .image("bob", "bobs-image", 1)
            .network("alice", "isolated-lan", "isolated-lan cidr=10.10.7.0/24 egress=false dhcp=false")
            .network("bob", "secret-lan", "secret-lan egress=false");
    private final NamespaceScope scope = new NamespaceScope(catalog);

    private static ClusterSpec spec(String... images) {
        ClusterSpec.Builder b = ClusterSpec.builder();
        for (String i : images) {
            b.node(NodeSpec.of(i, 1));
        }
        return b.build();
    }

    @Test
    void savedImagesResolveInTheAccountsNamespacePinnedToTheirVersion() {
        ClusterSpec resolved = scope.resolve(ALICE, spec("debian12", "my-nginx", "alice/my-nginx", "antrieb:my-nginx:v3"));
        assertThat(resolved.nodeImages()).containsExactly("debian12", "antrieb:alice/my-nginx:v3", "antrieb:alice/my-nginx:v3",
                "antrieb:alice/my-nginx:v3");
        // A name this account has not saved stays as written: core then says which images exist.
        assertThat(scope.resolve(BOB, spec("my-nginx")).nodeImages()).containsExactly("my-nginx");
    }

    @Test
    void aControllerStaysAControllerWhenItsImageIsQualified() {
        catalog.image("alice", "my-controller", 1);
        ClusterSpec resolved = scope.resolve(ALICE, spec("debian12", "my-controller"));
        assertThat(resolved.nodes().get(1)).isEqualTo(new NodeSpec("antrieb:alice/my-controller:v1", 1, true));
    }

    @Test
    void anotherAccountsImageIsRefusedBuiltInOnesAreNot() {
        for (String image : List.of("bob/bobs-image", "antrieb:bob/bobs-image:v1")) {
            assertThatThrownBy(() -> scope.resolve(ALICE, spec(image))).isInstanceOf(CatalogException.class)
                    .hasMessageContaining("namespace bob").hasMessageContaining("(alice)")
                    .satisfies(e -> assertThat(((CatalogException) e).code()).isEqualTo(NamespaceScope.FORBIDDEN));
        }
        assertThat(scope.resolve(ALICE, spec("antrieb/debian12")).nodeImages()).containsExactly("antrieb/debian12");
    }

    @Test
    void networkReferencesResolveToTheSavedSpecUnderTheirName() {
        ClusterSpec spec = ClusterSpec.builder().nodes("debian12").network(NetworkSpec.named("wan"))
                .network(NetworkSpec.reference("@alice/isolated-lan")).nics("node1", "wan", "isolated-lan").build();
        ClusterSpec resolved = scope.resolve(ALICE, spec);
        assertThat(resolved.networks()).containsExactly(NetworkSpec.named("wan"),
                NetworkSpec.named("isolated-lan").cidr("10.10.7.0/24").egress(false).dhcp(false));
        assertThat(resolved.nics()).isEqualTo(spec.nics());
        assertThat(resolved.ttl()).isEqualTo(spec.ttl());
    }

    @Test
    void anotherAccountsNetworkIsRefusedAndAMissingOneListsTheAccountsOwn() {
        ClusterSpec foreign = ClusterSpec.builder().nodes("debian12").network("@bob/secret-lan").nics("node1", "secret-lan").build();
        assertThatThrownBy(() -> scope.resolve(ALICE, foreign)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("network @bob/secret-lan is in namespace bob").hasMessageContaining("@alice/<name>")
                .satisfies(e -> assertThat(((CatalogException) e).code()).isEqualTo("forbidden_namespace"));
        ClusterSpec missing = ClusterSpec.builder().nodes("debian12").network("@alice/nope").nics("node1", "nope").build();
        assertThatThrownBy(() -> scope.resolve(ALICE, missing)).isInstanceOf(CatalogException.class)
                .hasMessageContaining("no saved network @alice/nope").hasMessageContaining("[@alice/isolated-lan]")
                .satisfies(e -> assertThat(((CatalogException) e).code()).isEqualTo("not_found"));
    }

    @Test
    void aSpecWithoutSavedNamesIsReturnedAsIs() {
        ClusterSpec spec = ClusterSpec.builder().nodes("debian12 x2").network("lan egress=false").nics("node1", "lan").nics("node2", "lan").build();
        assertThat(scope.resolve(ALICE, spec)).isSameAs(spec);
    }
}
