package sh.antrieb.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import sh.antrieb.Artifact;
import sh.antrieb.Catalog;
import sh.antrieb.CatalogException;
import sh.antrieb.Cluster;
import sh.antrieb.ErrorCode;
import sh.antrieb.Image;
import sh.antrieb.ImageImport;
import sh.antrieb.ImageRef;
import sh.antrieb.NetworkSpec;
import sh.antrieb.runbook.Runbook;
import sh.antrieb.runbook.RunbookException;

/**
 * A read-only catalog for tests that boot no VMs ({@link FakeClusters}): the fake host's base images and the
 * built-in {@code antrieb/*} runbooks, through core's {@link Catalog} interface. Saving answers
 * {@link ErrorCode#NOT_AVAILABLE}; built-ins can never be deleted and nothing else exists.
 */
final class BuiltinCatalog implements Catalog {
    private final String namespace;
    private final Supplier<List<String>> hostImages;

    /** The catalog {@code namespace} sees, whose images are {@code hostImages}. */
    BuiltinCatalog(String namespace, Supplier<List<String>> hostImages) {
        this.namespace = namespace;
        this.hostImages = hostImages;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public Image saveImage(Cluster cluster, String node, String name, List<String> commands, String description) {
        throw notAvailable(Type.IMAGE);
    }

    @Override
    public Image importImage(String name, ImageImport source) {
        throw notAvailable(Type.IMAGE);
    }

    @Override
    public Artifact saveRunbook(String name, String markdown, String description) {
        throw notAvailable(Type.RUNBOOK);
    }

    @Override
    public Artifact saveNetwork(String name, NetworkSpec spec, String description) {
        throw notAvailable(Type.NETWORK);
    }

    private static CatalogException notAvailable(Type type) {
        return new CatalogException(ErrorCode.NOT_AVAILABLE, "saving a " + type.wireName() + " is not available on this server: "
                + "it has no catalog of saved artifacts, only the built-in antrieb/* runbooks and the host's base images");
    }

    @Override
    public List<Artifact> search(Type type, String keywords, int limit) {
        List<Artifact> all = switch (type) {
            case IMAGE -> hostImages.get().stream().map(BuiltinCatalog::image).toList();
            case RUNBOOK -> Runbook.builtins().stream().map(fq -> runbook(fq, false)).toList();
            case NETWORK, CLUSTER -> List.of();
        };
        List<Artifact> out = new ArrayList<>();
        for (Artifact a : all) {
            if (matches(a, keywords) && out.size() < limit) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public Optional<Artifact> fetch(Type type, String fqName) {
        String name = fqName.startsWith("@") ? fqName.substring(1) : fqName;
        return switch (type) {
            case IMAGE -> hostImages.get().stream()
                    .filter(i -> name.equals(BUILTIN_NAMESPACE + "/" + i) || name.equals(i) || name.equals(ImageRef.of(i, 1).ani()))
                    .findFirst().map(BuiltinCatalog::image);
            case RUNBOOK -> Runbook.builtins().contains(name) ? Optional.of(runbook(name, true)) : Optional.empty();
            case NETWORK, CLUSTER -> Optional.empty();
        };
    }

    @Override
    public Optional<Artifact> fetch(String fqName) {
        for (Type t : List.of(Type.IMAGE, Type.RUNBOOK)) {
            Optional<Artifact> a = fetch(t, fqName);
            if (a.isPresent()) {
                return a;
            }
        }
        return Optional.empty();
    }

    @Override
    public NetworkSpec network(String reference) {
        throw new CatalogException(ErrorCode.NOT_FOUND, "no saved network " + reference + ": this server has no saved networks");
    }

    @Override
    public boolean delete(Type type, String name) {
        String n = name.startsWith("@") ? name.substring(1) : name;
        boolean builtin = n.startsWith(BUILTIN_NAMESPACE + "/")
                || (type == Type.RUNBOOK && Runbook.builtins().contains(BUILTIN_NAMESPACE + "/" + n))
                || (type == Type.IMAGE && hostImages.get().contains(n));
        if (builtin) {
            throw new CatalogException(ErrorCode.READ_ONLY, "'" + name + "' is a built-in " + type.wireName() + " and can never be deleted");
        }
        return false;
    }

    private static Artifact image(String name) {
        return new Artifact(Type.IMAGE, BUILTIN_NAMESPACE, name, 1, "base image " + name + " of this host, booted by direct kernel boot",
                true, null, Map.of("ani", ImageRef.of(name, 1).ani()), null);
    }

    private static Artifact runbook(String fqName, boolean withBody) {
        try {
            Runbook r = Runbook.builtin(fqName);
            String description = r.description() == null || r.description().isBlank() ? r.title() : r.description();
            return new Artifact(Type.RUNBOOK, BUILTIN_NAMESPACE, fqName.substring(fqName.indexOf('/') + 1), 1, description, true, null,
                    Map.of("title", r.title()), withBody ? r.markdown() : null);
        } catch (RunbookException e) {
            throw new IllegalStateException("built-in runbook " + fqName + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static boolean matches(Artifact a, String keywords) {
        if (keywords == null || keywords.isBlank()) {
            return true;
        }
        String hay = (a.fqName() + " " + a.description() + " " + a.attributes().values()).toLowerCase(Locale.ROOT);
        for (String word : keywords.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!word.isEmpty() && !hay.contains(word)) {
                return false;
            }
        }
        return true;
    }
}
