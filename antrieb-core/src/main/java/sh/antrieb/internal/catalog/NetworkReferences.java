package sh.antrieb.internal.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import sh.antrieb.Catalog;
import sh.antrieb.CatalogException;
import sh.antrieb.ErrorCode;
import sh.antrieb.InvalidSpecException;
import sh.antrieb.NetworkSpec;

/** Saved network specs: saving one, and replacing a cluster's {@code @namespace/name} references by them. */
final class NetworkReferences {
    private final CatalogStore store;

    NetworkReferences(CatalogStore store) {
        this.store = store;
    }

    /**
     * {@code networks} with references resolved from {@code namespace}; when {@code confined}, to it and {@code antrieb/}.
     *
     * @throws CatalogException {@code FORBIDDEN_NAMESPACE} for a reference outside them when {@code confined},
     *                          {@code NOT_FOUND} for a reference to no saved network
     */
    List<NetworkSpec> resolveReferences(List<NetworkSpec> networks, String namespace, boolean confined) {
        List<NetworkSpec> resolved = new ArrayList<>();
        for (NetworkSpec n : networks) {
            if (n.reference().isEmpty()) {
                resolved.add(n);
                continue;
            }
            String reference = n.reference().get();
            String owner = Names.split(reference, namespace)[0];
            if (confined && !owner.equals(namespace) && !owner.equals(Catalog.BUILTIN_NAMESPACE)) {
                throw NamespacePolicy.forbidden(namespace, "network " + reference, owner, "Refer to " + namespace
                        + "'s own saved networks as @" + namespace + "/<name> (it has " + savedNetworks(namespace)
                        + "), or declare network '" + n.name() + "' inline with its cidr, egress and dhcp instead of referring to a saved one.");
            }
            resolved.add(network(reference, namespace).withName(n.name()));
        }
        return resolved;
    }

    private List<String> savedNetworks(String namespace) {
        return store.list(Catalog.Type.NETWORK, namespace).stream().map(x -> "@" + x.namespace() + "/" + x.name()).toList();
    }

    /**
     * The latest saved spec {@code reference} ({@code [@]namespace/name} or a short name in {@code namespace}) names.
     *
     * @throws CatalogException {@code NOT_FOUND} listing the namespace's saved networks
     */
    NetworkSpec network(String reference, String namespace) {
        String[] nsName = Names.split(reference, namespace);
        CatalogStore.Entry e = store.latest(Catalog.Type.NETWORK, nsName[0], nsName[1]).orElseThrow(() -> new CatalogException(
                ErrorCode.NOT_FOUND, "no saved network @" + nsName[0] + "/" + nsName[1] + ": save it first with "
                + "catalog.saveNetwork(...) (the save operation, type network), or declare the network inline; namespace "
                + nsName[0] + " has " + savedNetworks(nsName[0])));
        return NetworkSpec.parse(e.get("spec"));
    }

    /** Saves {@code spec} under {@code namespace}/{@code name} as a new version. */
    CatalogStore.Entry saveNetwork(String namespace, String name, NetworkSpec spec, String description) {
        Names.checkWritable(namespace, "save network " + name);
        Names.checkName(name);
        if (spec == null || spec.reference().isPresent()) {
            throw new CatalogException(ErrorCode.INVALID, "cannot save network " + name + ": give a spec such as "
                    + "NetworkSpec.named(\"" + name + "\").egress(false), not " + (spec == null ? "null" : "a reference " + spec));
        }
        NetworkSpec named;
        try {
            named = spec.withName(name);
        } catch (InvalidSpecException e) {
            throw new CatalogException(ErrorCode.INVALID_NAME, e.getMessage(), e);
        }
        String desc = Names.checkDescription(description);
        try (CatalogStore.Staging s = store.stage(Catalog.Type.NETWORK, namespace, name)) {
            return store.commit(s, version -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("description", desc);
                m.put("spec", named.toString());
                m.put("cidr", named.cidr().orElse("auto"));
                m.put("egress", named.egress());
                m.put("dhcp", named.dhcp());
                return m;
            });
        }
    }
}
