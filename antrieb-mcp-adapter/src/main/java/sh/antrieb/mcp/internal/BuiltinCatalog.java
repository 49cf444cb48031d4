package sh.antrieb.mcp.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import sh.antrieb.ImageRef;
import sh.antrieb.mcp.Account;
import sh.antrieb.mcp.Catalog;
import sh.antrieb.mcp.CatalogException;
import sh.antrieb.runbook.Runbook;
import sh.antrieb.runbook.RunbookException;

/**
 * The catalog until saved artifacts exist: the host's base images and the built-in {@code antrieb/*}
 * runbooks, read-only. {@code save} answers that saving is not available yet; nothing can be deleted.
 */
public final class BuiltinCatalog implements Catalog {
    /** The namespace of built-in artifacts. */
    public static final String BUILTIN_NAMESPACE = "antrieb";

    private final Supplier<List<String>> hostImages;

    /** A catalog whose images are {@code hostImages} (e.g. {@code antrieb::images}). */
    public BuiltinCatalog(Supplier<List<String>> hostImages) {
        this.hostImages = hostImages;
    }

    /** The image reference ({@code antrieb:<name>:v<N>}) of an image name as provision accepts it. */
    public static String ani(String image) {
        ImageRef r = ImageRef.parse(image);
        return r.isPinned() ? r.ani() : r.withVersion(1).ani();
    }

    @Override
    public Artifact save(Account owner, SaveRequest request) {
        throw new CatalogException("not_available", "saving a " + request.type().wireName() + " is not available on this server yet: "
                + "it has no catalog of saved artifacts, only the built-in antrieb/* runbooks and the host's base images. "
                + "Keep what worked yourself for now: every command you ran is in this account's command log.");
    }

    @Override
    public List<Artifact> search(Account viewer, Type type, String keywords, int limit) {
        List<Artifact> all = switch (type) {
            case IMAGE -> hostImages.get().stream().map(BuiltinCatalog::image).toList();
            case RUNBOOK -> Runbook.builtins().stream().map(fq -> runbook(fq, false)).toList();
            case NETWORK -> List.of();
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
    public Optional<Artifact> fetch(Account viewer, Type type, String fqName) {
        String name = fqName.startsWith("@") ? fqName.substring(1) : fqName;
        return switch (type) {
            case IMAGE -> hostImages.get().stream()
                    .filter(i -> name.equals(BUILTIN_NAMESPACE + "/" + i) || name.equals(i) || name.equals(ani(i)))
                    .findFirst().map(BuiltinCatalog::image);
            case RUNBOOK -> Runbook.builtins().contains(name) ? Optional.of(runbook(name, true)) : Optional.empty();
            case NETWORK -> Optional.empty();
        };
    }

    @Override
    public void delete(Account owner, Type type, String name) {
        String n = name.startsWith("@") ? name.substring(1) : name;
        boolean builtin = n.startsWith(BUILTIN_NAMESPACE + "/")
                || (type == Type.RUNBOOK && Runbook.builtins().contains(BUILTIN_NAMESPACE + "/" + n))
                || (type == Type.IMAGE && hostImages.get().contains(n));
        if (builtin) {
            throw new CatalogException("read_only", "'" + name + "' is a built-in " + type.wireName() + " and can never be deleted");
        }
        throw new CatalogException("not_found", "no saved " + type.wireName() + " '" + name + "' in namespace " + owner.namespace()
                + ": this server has no saved artifacts yet");
    }

    private static Artifact image(String name) {
        return new Artifact(Type.IMAGE, BUILTIN_NAMESPACE + "/" + name, "base image " + name + " of this host, booted by direct kernel boot",
                true, null, Map.of("ani", ani(name)));
    }

    private static Artifact runbook(String fqName, boolean withBody) {
        try {
            Runbook r = Runbook.builtin(fqName);
            String description = r.description() == null || r.description().isBlank() ? r.title() : r.description();
            return new Artifact(Type.RUNBOOK, fqName, description, true, withBody ? r.markdown() : null, Map.of("title", r.title()));
        } catch (RunbookException e) {
            throw new CatalogException("internal_error", "built-in runbook " + fqName + " cannot be read: " + e.getMessage());
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
