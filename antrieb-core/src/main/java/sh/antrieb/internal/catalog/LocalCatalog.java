package sh.antrieb.internal.catalog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import sh.antrieb.Artifact;
import sh.antrieb.Catalog;
import sh.antrieb.CatalogException;
import sh.antrieb.Cluster;
import sh.antrieb.ErrorCode;
import sh.antrieb.Image;
import sh.antrieb.ImageImport;
import sh.antrieb.ImageRef;
import sh.antrieb.NetworkSpec;
import sh.antrieb.internal.ImageStore;

/** The {@link Catalog} of one namespace: its own artifacts plus the built-in {@code antrieb/*} ones. */
final class LocalCatalog implements Catalog {
    private final CatalogService service;
    private final String namespace;

    LocalCatalog(CatalogService service, String namespace) {
        this.service = service;
        this.namespace = namespace;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public Image saveImage(Cluster cluster, String node, String name, List<String> commands, String description) {
        return service.saveImage(namespace, cluster, node, name, commands, description);
    }

    @Override
    public Image importImage(String name, ImageImport source) {
        return service.importImage(namespace, name, source);
    }

    @Override
    public Artifact saveRunbook(String name, String markdown, String description) {
        return artifact(service.saveRunbook(namespace, name, markdown, description), false);
    }

    @Override
    public Artifact saveNetwork(String name, NetworkSpec spec, String description) {
        return artifact(service.saveNetwork(namespace, name, spec, description), false);
    }

    @Override
    public List<Artifact> search(Type type, String keywords, int limit) {
        if (type == null) {
            throw new CatalogException(ErrorCode.INVALID, "search needs a type: image, runbook, network or cluster");
        }
        if (limit < 1) {
            throw new CatalogException(ErrorCode.INVALID, "limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
        int max = Math.min(limit, MAX_LIMIT);
        List<String> words = keywords == null || keywords.isBlank() ? List.of()
                : List.of(keywords.toLowerCase(Locale.ROOT).trim().split("\\s+"));
        List<Artifact> all = new ArrayList<>();
        switch (type) {
            case IMAGE -> {
                for (String base : ImageStore.baseNames()) {
                    all.add(builtinImage(base, "base", ImageStore.description(base), true, null));
                }
                StackImages.RECIPES.values().forEach(r -> all.add(builtinImage(r.name(), "stack", r.description(),
                        service.isStackBuilt(r.name()), null)));
                service.store().list(Type.IMAGE, namespace).forEach(e -> all.add(artifact(e, false)));
            }
            case RUNBOOK -> {
                for (String fq : CatalogRunbooks.builtinRunbooks()) {
                    String body = CatalogRunbooks.builtinRunbook(fq);
                    all.add(new Artifact(Type.RUNBOOK, BUILTIN_NAMESPACE, fq.substring(fq.indexOf('/') + 1), 1,
                            body == null ? "" : CatalogRunbooks.runbookTitle(body), true, null, Map.of(), null));
                }
                service.store().list(Type.RUNBOOK, namespace).forEach(e -> all.add(artifact(e, false)));
            }
            case NETWORK -> service.store().list(Type.NETWORK, namespace).forEach(e -> all.add(artifact(e, false)));
            case CLUSTER -> service.clusters().forEach(c -> all.add(cluster(c, namespace)));
        }
        return all.stream().filter(a -> matches(a, words)).limit(max).toList();
    }

    private static boolean matches(Artifact a, List<String> words) {
        String text = (a.name() + " " + a.description() + " " + a.fqName() + " @" + a.fqName() + " "
                + a.attributes().getOrDefault("ani", "")).toLowerCase(Locale.ROOT);
        return words.stream().allMatch(text::contains);
    }

    @Override
    public Optional<Artifact> fetch(Type type, String fqName) {
        if (type == Type.CLUSTER) {
            return service.clusters().stream().filter(c -> c.id().equals(fqName)).findFirst().map(c -> cluster(c, namespace));
        }
        String[] nsName;
        if (type == Type.IMAGE) {
            Optional<ImageRef> ref = service.parseImage(fqName, namespace);
            if (ref.isEmpty()) {
                Names.split(fqName, namespace); // throws naming what is wrong
                return Optional.empty();
            }
            ImageRef r = ref.get();
            if (!visible(r.namespace())) {
                return Optional.empty();
            }
            if (r.namespace().equals(BUILTIN_NAMESPACE)) {
                if (ImageStore.RECIPES.containsKey(r.name()) && r.version() <= 1) {
                    return Optional.of(builtinImage(r.name(), "base", ImageStore.description(r.name()), true, null));
                }
                if (StackImages.isStack(r.name()) && r.version() <= 1) {
                    StackImages.Recipe rec = StackImages.RECIPES.get(r.name());
                    return Optional.of(builtinImage(r.name(), "stack", rec.description(), service.isStackBuilt(r.name()),
                            StackImages.script(r.name())));
                }
                return Optional.empty();
            }
            return service.imageEntry(r).map(e -> artifact(e, true));
        }
        nsName = Names.split(fqName, namespace);
        if (!visible(nsName[0])) {
            return Optional.empty();
        }
        if (type == Type.RUNBOOK && nsName[0].equals(BUILTIN_NAMESPACE)) {
            String fq = nsName[0] + "/" + nsName[1];
            String body = CatalogRunbooks.builtinRunbook(fq);
            return body == null ? Optional.empty() : Optional.of(new Artifact(Type.RUNBOOK, BUILTIN_NAMESPACE, nsName[1], 1,
                    CatalogRunbooks.runbookTitle(body), true, null, Map.of(), body));
        }
        return service.store().latest(type, nsName[0], nsName[1]).map(e -> artifact(e, true));
    }

    @Override
    public Optional<Artifact> fetch(String fqName) {
        List<Artifact> found = new ArrayList<>();
        for (Type t : List.of(Type.RUNBOOK, Type.NETWORK, Type.IMAGE)) {
            fetch(t, fqName).ifPresent(found::add);
        }
        if (found.size() > 1) {
            throw new CatalogException(ErrorCode.AMBIGUOUS, "'" + fqName + "' names a "
                    + found.stream().map(a -> a.type().wireName()).toList() + ": fetch it with its type, e.g. fetch(Type."
                    + found.get(0).type() + ", \"" + fqName + "\")");
        }
        return found.stream().findFirst();
    }

    @Override
    public NetworkSpec network(String reference) {
        String[] nsName = Names.split(reference, namespace);
        if (!visible(nsName[0])) {
            throw new CatalogException(ErrorCode.NOT_FOUND, "no saved network @" + nsName[0] + "/" + nsName[1]
                    + " visible from namespace " + namespace);
        }
        return service.network(reference, namespace);
    }

    @Override
    public boolean delete(Type type, String name) {
        if (type == Type.CLUSTER) {
            Optional<Cluster> c = service.clusters().stream().filter(x -> x.id().equals(name)).findFirst();
            c.ifPresent(Cluster::close);
            return c.isPresent();
        }
        String[] nsName = type == Type.IMAGE ? imageName(name) : Names.split(name, namespace);
        Names.checkWritable(nsName[0], "delete " + type.wireName() + " " + nsName[0] + "/" + nsName[1]);
        if (type == Type.IMAGE && ImageNames.isBuiltinImage(nsName[1]) && nsName[0].equals(namespace)) {
            Names.checkWritable(BUILTIN_NAMESPACE, "delete built-in image " + nsName[1]);
        }
        if (!nsName[0].equals(namespace)) {
            throw new CatalogException(ErrorCode.INVALID_NAME, "cannot delete " + nsName[0] + "/" + nsName[1]
                    + ": this catalog deletes only from its own namespace " + namespace);
        }
        return service.delete(type, nsName[0], nsName[1]);
    }

    private String[] imageName(String name) {
        Optional<ImageRef> ref = service.parseImage(name, namespace);
        if (ref.isEmpty()) {
            return Names.split(name, namespace);
        }
        return new String[] {ref.get().namespace(), ref.get().name()};
    }

    private boolean visible(String ns) {
        return ns.equals(namespace) || ns.equals(BUILTIN_NAMESPACE);
    }

    // ---- artifacts -------------------------------------------------------------------------------------

    private static Artifact builtinImage(String name, String kind, String description, boolean built, String body) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("ani", ImageRef.of(name, 1).ani());
        attrs.put("kind", kind);
        StackImages.Recipe stack = StackImages.RECIPES.get(name);
        if (stack != null) {
            attrs.put("base", ImageRef.of(stack.base(), 1).ani());  // the base release a stack image is built on
        }
        attrs.put("built", Boolean.toString(built));
        return new Artifact(Type.IMAGE, BUILTIN_NAMESPACE, name, 1, description, true, null, attrs, body);
    }

    static Artifact artifact(CatalogStore.Entry e, boolean whole) {
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String k : List.of("ani", "kind", "base", "cidr", "egress", "dhcp", "title", "disk_bytes")) {
            String v = e.get(k);
            if (v != null) {
                attrs.put(k, v);
            }
        }
        String body = null;
        if (whole) {
            body = switch (e.type()) {
                case RUNBOOK -> CatalogStore.readIfExists(e.dir().resolve("runbook.md"));
                case NETWORK -> e.get("spec");
                case IMAGE -> CatalogStore.readIfExists(e.dir().resolve("build-image.sh"));
                case CLUSTER -> null;
            };
        }
        return new Artifact(e.type(), e.namespace(), e.name(), e.version(), e.get("description"), false, e.createdAt(), attrs, body);
    }

    private static Artifact cluster(Cluster c, String namespace) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("nodes", String.join(",", c.nodes().stream().map(n -> n.name() + "=" + n.image()).toList()));
        attrs.put("expires_at", c.expiresAt().toString());
        String desc = c.nodes().size() + " node(s): " + c.spec().nodes() + ", expires " + c.expiresAt();
        Instant created = c.createdAt();
        return new Artifact(Type.CLUSTER, namespace, c.id(), 1, desc, false, created, attrs, null);
    }
}
